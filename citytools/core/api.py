"""Translation of errors into RFC 9457 problem+json, in one place for every API router."""

from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import WithJsonSchema

from citytools.core import money
from citytools.core.errors import DomainError


def problem(api: NinjaAPI, request: HttpRequest, *, status: int, title: str, detail, code: str, extra=None) -> HttpResponse:
    body = {"type": f"about:blank#{code}", "title": title, "status": status, "detail": detail, **(extra or {})}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return problem(
            api, request, status=exc.status, title="Request refused", detail=exc.message, code=exc.code,
            extra=getattr(exc, "extra", None),
        )

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
