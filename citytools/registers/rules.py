"""Rules of the registers, pure functions: what a row of a register's file must hold, and what
loading a row does to an organisation's map."""

import re

from citytools.core.errors import DomainError

COLUMNS = (
    "register_code",
    "library_service",
    "gss_codes",
    "code_change",
    "organisation_name",
    "organisation_kind",
    "system",
    "product",
    "version",
    "maker",
    "catalogue_url",
)
SEPARATOR = "|"
NOT_AN_AUTHORITY = "not a local authority"
CODE_CHANGES = ("", "former code", "successor", NOT_AN_AUTHORITY)
GSS_CODE = re.compile(r"^[ENSWK]\d{8}$")
REGISTER_CODE = re.compile(r"^[A-Z0-9]{9}$")
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


def check_row(raw: dict[str, str], *, line: int) -> dict:
    """A row's values as the loader uses them, or a DomainError naming the line and column."""

    def refuse(column: str, message: str):
        raise DomainError(f"Line {line}, column {column}: {message}", code="invalid", field=column)

    values = {column: raw.get(column, "") for column in COLUMNS}
    for column in ("register_code", "library_service", "gss_codes", "system", "product", "catalogue_url"):
        if not values[column]:
            refuse(column, "it is empty.")
    if not REGISTER_CODE.match(values["register_code"]):
        refuse("register_code", f"{values['register_code']!r} is not a register code.")
    if values["code_change"] not in CODE_CHANGES:
        refuse("code_change", f"{values['code_change']!r} is not one of: {', '.join(filter(None, CODE_CHANGES))} (or empty).")
    codes = tuple(values["gss_codes"].split(SEPARATOR))
    authority = values["code_change"] != NOT_AN_AUTHORITY
    if authority and not all(GSS_CODE.match(code) for code in codes):
        refuse("gss_codes", f"{values['gss_codes']!r} is not a GSS code, or several separated by {SEPARATOR}.")
    if not authority:
        if codes != (values["register_code"],):
            refuse("gss_codes", "a body that is not a local authority keeps the register's code.")
        if not values["organisation_name"] or not values["organisation_kind"]:
            refuse("organisation_name", "a body that is not a local authority needs its name and kind.")
    if not WEB_ADDRESS.match(values["catalogue_url"]):
        refuse("catalogue_url", f"{values['catalogue_url']!r} is not a web address.")
    return {**values, "gss_codes": codes}


def check_unique(codes: list[str]) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise DomainError(f"The register's code {code} appears twice.", code="invalid")
        seen.add(code)


# What loading a row does to one organisation's map.
CREATE = "created"
UNCHANGED = "unchanged"
DIFFERENT = "different"
UNKNOWN_MAKER = "maker not stated"


def outcome(*, maker: str, has_product: bool, other_products: list[str]) -> str:
    """A register puts its product on an organisation's map only where nothing says otherwise:
    a product whose maker the register does not give is left off (nothing is guessed); the
    same product there already is left as it is; another product in the same service area,
    which a person (or an earlier source) put there, is kept and reported as a difference."""
    if not maker:
        return UNKNOWN_MAKER
    if has_product:
        return UNCHANGED
    if other_products:
        return DIFFERENT
    return CREATE


# A network's survey ----------------------------------------------------------------------

# How a joint service of several councils is written: "Adur & Worthing", "Richmond and
# Wandsworth", "Brent / Harrow".
BARE_REGISTER_CODE = re.compile(r"^[A-Z]{3,4}$")
JOINT_SEPARATOR = re.compile(r"\s+(?:&|and|\+)\s+|\s*/\s*|\s*,\s*", re.IGNORECASE)


def joint_parts(name: str) -> list[str]:
    """The councils a joint service's name is made of, or [] when it names one body."""
    parts = [part.strip() for part in JOINT_SEPARATOR.split(name or "") if part.strip()]
    return parts if len(parts) > 1 else []


def survey_key(source: str, product: str) -> str:
    """What a survey's row is known by within one organisation's review queue, the same in
    every edition of the survey: the source's name and the product's normalised name."""
    return f"survey:{source}:{product}"


def offered_contract(values: dict) -> dict | None:
    """The contract a survey row gives, in the form a suggestion keeps, or None; DomainError
    when its fields are given without a title."""
    fields = {
        "title": values.get("contract_title") or "",
        "total_value": str(values["contract_value"]) if values.get("contract_value") is not None else None,
        "start_date": _iso(values.get("contract_start")),
        "end_date": _iso(values.get("contract_end")),
        "extension_end_date": _iso(values.get("contract_extension_end")),
    }
    if not fields["title"]:
        given = [name for name in ("total_value", "start_date", "end_date", "extension_end_date") if fields[name]]
        if given:
            raise DomainError("Contract title: the row gives a contract's other fields but no title.", code="required")
        return None
    return fields


def offered_rating(values: dict) -> dict | None:
    score, comment = values.get("satisfaction"), (values.get("comment") or "").strip()
    if score is None:
        if comment:
            raise DomainError("Satisfaction: the row gives a comment but no score from 1 to 5.", code="required")
        return None
    return {"score": score, "comment": comment}


def _iso(day) -> str | None:
    return day.isoformat() if day else None
