"""If-Match on the API's writes, declared once per operation: the declaration both enforces and documents.

An operation that changes a versioned record says how it uses If-Match with `@if_match(...)`
under its router decorator. The door reads the version with `based_on(request, record)`,
which takes whether the header is required from that declaration, and the OpenAPI document
(citytools.core.openapi) declares the header and its 412/428 answers from the same mark. A
door that reads If-Match without declaring it fails loudly, so the schema cannot forget one.
"""

import functools
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured

from citytools.core import history
from citytools.core.errors import Conflict


class IfMatch(StrEnum):
    REQUIRED = "required"  # 428 without it, 412 when stale
    OPTIONAL = "optional"  # when sent, 412 when stale
    TO_REPLACE = "to_replace"  # optional to create, required (428) to change what exists


ATTRIBUTE = "if_match"


def if_match(mode: IfMatch = IfMatch.REQUIRED):
    """Mark an API operation as reading If-Match in `mode`; put it under the router decorator."""

    def decorate(view):
        @functools.wraps(view)
        def operation(request, *args, **kwargs):
            request.if_match_mode = mode
            return view(request, *args, **kwargs)

        setattr(operation, ATTRIBUTE, mode)
        return operation

    return decorate


def based_on(request, record) -> int | None:
    """The version a change is based on, from If-Match: 428 without one when the operation
    requires it, 412 if stale, None when optional and not sent."""
    mode = getattr(request, "if_match_mode", None)
    if mode is None:
        raise ImproperlyConfigured("An operation reads If-Match without declaring it: add @if_match(...).")
    return history.version_from_if_match(
        request.headers.get("If-Match"), current=record.version, required=mode is not IfMatch.OPTIONAL
    )


def precondition(call):
    """Run a write; a version that moved on between the If-Match check and the write is the
    same stale precondition (412), not a different error."""
    try:
        return call()
    except Conflict:
        raise history.PreconditionFailed(history.IF_MATCH_STALE) from None
