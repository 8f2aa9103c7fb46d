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
