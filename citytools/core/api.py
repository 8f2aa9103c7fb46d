"""Translation of errors into RFC 9457 problem+json, in one place for every API router.

Every exception an operation raises ends here, so the API never answers with an HTML page:
a DomainError with its own status and message, a body over the size limit with 413, and
anything unforeseen with a 500 whose body says nothing about the code (the exception is
logged, and reported as Django reports any server error). Errors raised before the API is
reached (in a middleware) are answered as problem+json too, by the site's error handlers
(citytools.core.views) for paths under /api/.
"""

import datetime
import logging
from decimal import Decimal
from http import HTTPStatus
from typing import Annotated

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import BaseModel, ConfigDict, WithJsonSchema

from citytools.core import history, money
from citytools.core.errors import DomainError, Forbidden

logger = logging.getLogger("django.request")

SERVER_ERROR = "Something went wrong on the server. The request may not have been carried out; try again later."
SIGN_IN = "Sign in first: this needs a signed-in session."


def problem_body(*, status: int, title: str, detail, code: str, extra=None) -> dict:
    return {"type": f"about:blank#{code}", "title": title, "status": status, "detail": detail, **(extra or {})}


def problem(api: NinjaAPI, request: HttpRequest, *, status: int, title: str, detail, code: str, extra=None) -> HttpResponse:
    body = problem_body(status=status, title=title, detail=detail, code=code, extra=extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def for_api(request) -> bool:
    """Whether a request is the API's, which answers every error in problem+json."""
    return request.path.startswith("/api/")


def status_problem(status: int, *, detail: str | None = None) -> tuple[str, str, str]:
    """The title, detail and code of a refusal known only by its status (`method_not_allowed`)."""
    phrase = HTTPStatus(status).phrase
    return phrase, detail or HTTPStatus(status).description + ".", phrase.lower().replace(" ", "_")


def plain_problem(*, status: int, title: str, detail: str, code: str) -> HttpResponse:
    """The same document without a NinjaAPI, for errors raised before the API is reached."""
    body = problem_body(status=status, title=title, detail=detail, code=code)
    return JsonResponse(body, status=status, content_type="application/problem+json")


def too_large_detail() -> str:
    return f"The request body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes accepted."


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return problem(
            api, request, status=exc.status, title="Request refused", detail=exc.message, code=exc.code,
            extra=getattr(exc, "extra", None),
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # django-ninja wraps what the body parser (citytools.core.api_input) raises in a 400
        # HttpError; the refusal itself says what is wrong and where.
        if isinstance(exc.__cause__, DomainError):
            return domain_error(request, exc.__cause__)
        if isinstance(exc, AuthenticationError):
            return problem(api, request, status=401, title="Not signed in", detail=SIGN_IN, code="unauthorized")
        title, detail, code = status_problem(exc.status_code, detail=str(exc))
        return problem(api, request, status=exc.status_code, title=title, detail=detail, code=code)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return problem(api, request, status=413, title="Request too large", detail=too_large_detail(), code="too_large")

    # As Django answers them outside the API (django.core.handlers.exception), in this form.
    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return problem(api, request, status=403, title="Forbidden", detail="You may not do this.", code="forbidden")

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        return problem(api, request, status=400, title="Bad request", detail="The request could not be read.", code="bad_request")

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        # As Django does for an uncaught exception: logged with its traceback (and mailed to
        # the admins where logging says so), and signalled, so that the test client re-raises it.
        logger.error("Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request})
        signals.got_request_exception.send(sender=None, request=request)
        response = problem(api, request, status=500, title="Server error", detail=SERVER_ERROR, code="server_error")
        response._has_been_logged = True  # once, with the traceback, not again by Django
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(api, request, status=404, title="Not found", detail="No such record.", code="not_found")

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        return problem(api, request, status=422, title="Invalid request", detail=exc.errors, code="invalid")


# An amount a client sends: a JSON number, or a string as a person writes it. Either way the
# service reads it with the one money parser (citytools.core.money.parse_money), so the API
# accepts and refuses exactly what the forms and the spreadsheet import do.
MONEY_IN = (
    'A number, or a string as people write amounts ("42,000", "£1,234.50", "CAD 50,000"). '
    "Never negative, at most two decimals; anything else is refused with a 400 naming the field."
)
# The schema says what parse_money accepts (a number from 0, or text matching its pattern),
# not "any string", while the parser stays the one judge, with its 400 naming the field.
MoneyIn = Annotated[
    Decimal | str,
    WithJsonSchema({
        "anyOf": [
            {"type": "number", "minimum": 0, "exclusiveMaximum": int(money.DEFAULT_LIMIT)},
            {"type": "string", "pattern": money.PATTERN, "maxLength": 100},
        ],
    }),
]

MAX_LIMIT = 500
# Far beyond any real list, and inside the 64-bit integers SQLite and PostgreSQL accept.
MAX_OFFSET = 10**9


class Pagination(LimitOffsetPagination):
    """Every list in the API pages the same way: `limit` and `offset`, with upper bounds, so
    a huge number is a 422, never a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} items a page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


# The schemas and descriptions every app's API shares ------------------------------------------


class Ref(BaseModel):
    # A named thing by its slug: an organisation, a product, a supplier. (A comment, not a
    # docstring, which the schema would publish.) A plain pydantic model, not a ninja Schema:
    # ninja wraps every nested value for attribute access, which made the matrix (a
    # thousand-odd references) answer three times slower.
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str


class ProvenanceOut(BaseModel):
    # Where a record's facts came from when nobody typed them: a public notice, a register or
    # a survey (EditableRecord.provenance). Null for a record a person entered.
    label: str = Field("", description="The source in words, e.g. \"a public notice (Contracts Finder)\".")
    source: str = Field("", description="The source's code, e.g. `contracts_finder`, or `register:libraries` for a public register.")
    ocid: str | None = Field(None, description="The contracting process, for a public notice.")
    release_ids: list[str] = Field([], description="The notice's releases the facts were compiled from.")
    released: datetime.date | None = Field(None, description="When the latest of them was published.")
    url: str = Field("", description="The notice or register the facts can be checked against.")
    attribution: str | None = Field(None, description="Whom the source asks to be credited, where it does.")
    licence: str | None = Field(None, description="The source's licence, where it has one.")


PROVENANCE = "Where the facts came from when an import, not a person, put them on the map; null otherwise."


def provenance_out(record) -> dict | None:
    return record.provenance or None


MONEY = 'Decimal amounts are JSON strings, e.g. "125000.00", so no precision is lost.'


def money_description(null_when: str = "") -> str:
    """The description of an amount in answers, saying when it is null, if it may be."""
    return f"{MONEY.removesuffix('.')}; null when {null_when}." if null_when else MONEY


def values_hidden_description(contracts: str, figures: str) -> str:
    """What `values_hidden` means on figures summed over `contracts`, for the `figures` named."""
    return (
        f"True when {contracts} have values you may not see (contract values "
        f"are shared with members of the network by default): {figures} then cover only the "
        "contracts whose values you can see, and are null when you can see none."
    )


# What `values_hidden` means on one contract rather than on figures summed over many.
VALUES_HIDDEN_RECORD = (
    "True when you may not see this contract's values: they are shared with members of the "
    "organisation's networks by default, and its network may keep them so. The values are then null."
)


# Versioned records: ETags, refusals and history ------------------------------------------------

IF_MATCH = 'The ETag of the version your change is based on, as returned by GET: `"3"`.'
FORBIDDEN = "Only the organisation's own editors can change its records."


def require(allowed: bool, message: str = FORBIDDEN) -> None:
    if not allowed:
        raise Forbidden(message)


def tag(response: HttpResponse, record) -> None:
    """Send a versioned record's version as the response's ETag (what If-Match repeats)."""
    response["ETag"] = history.etag(record.version)


class ChangeOut(Schema):
    field: str
    label: str
    old: str = Field(
        description="Empty for a version that created the record, or the first version shown to you."
    )
    new: str


class HistoryEntryOut(Schema):
    history_id: int = Field(description="Pass it to the restore operation.")
    version: int
    when: datetime.datetime
    who: str = Field(description="The person's name for those who may see it, otherwise their role.")
    action: str = Field(description="Created, Changed, Retired or Restored version N.")
    current: bool
    after_hidden: bool = Field(
        description=(
            "The versions just before this one are not shown to you (you could not see the record as "
            "it was then, e.g. confidential); its changes compare with the last version you may see, "
            "or, if there is none, give its values."
        )
    )
    changes: list[ChangeOut] = Field(description="Fields whose values you may not see are left out.")


def history_out(entries: list[history.Entry]) -> list[dict]:
    return [
        {
            "history_id": e.history_id,
            "version": e.version,
            "when": e.when,
            "who": e.who,
            "action": e.action,
            "current": e.is_current,
            "after_hidden": e.after_hidden,
            "changes": [c.__dict__ for c in e.changes],
        }
        for e in entries
    ]
