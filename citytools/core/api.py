"""Translation of errors into RFC 9457 problem+json, in one place for every API router.

Every exception an operation raises ends here, so the API never answers with an HTML page:
a DomainError with its own status and message, a body over the size limit with 413, and
anything unforeseen with a 500 whose body says nothing about the code (the exception is
logged, and reported as Django reports any server error). Errors raised before the API is
reached (in a middleware) are answered as problem+json too, by the site's error handlers
(citytools.core.views) for paths under /api/.
"""

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
from pydantic import WithJsonSchema

from citytools.core import money
from citytools.core.errors import DomainError

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
