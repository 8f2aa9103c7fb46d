"""What the API takes from a request before any operation runs: its JSON body and its session.

The body is read once, here, for every operation (`BodyParser`, the NinjaAPI's parser): with
orjson, which refuses what is not JSON (NaN, invalid UTF-8, unpaired surrogate escapes such
as "\\ud800"), then every string in it, keys included, goes through the site's one text rule
(citytools.core.text) and every number through its one range. A refusal is a 400
problem+json naming the place in the body, e.g. `systems[0]`, before any record is looked at.

Every write's authentication is `django_auth` from here, not django-ninja's own: a request
without a signed-in session answers 401 (docs/api.md), whether or not it carries a CSRF
token. A CSRF check protects a session from being used by another site; a request with no
session has nothing to protect and is refused anyway. A signed-in request without a valid
token still answers 403.
"""

import orjson
from ninja.parser import Parser
from ninja.security.session import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from citytools.core.errors import DomainError, Forbidden
from citytools.core.text import check_text, check_whole_number


class BodyRefused(DomainError):
    code = "invalid_body"


def check_json(value) -> None:
    """Raise TextRefused or NumberRefused for the first string or number the rules refuse.

    Walked with a list rather than by recursion: orjson accepts nesting 1,024 deep, deeper
    than Python's recursion limit allows."""
    pending = [(value, "")]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            check_text(value, field=path or None)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            check_whole_number(value, field=path or None)
        elif isinstance(value, dict):
            for key in value:
                check_text(key, field=f"{path}.(a key)" if path else "(a key)")
            pending.extend((item, f"{path}.{key}" if path else key) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{index}]") for index, item in reversed(list(enumerate(value))))


class BodyParser(Parser):
    def parse_body(self, request):
        # django-ninja wraps what this raises in an HttpError (400) whose __cause__ it is; the
        # API's error handler (citytools.core.api) answers with the refusal's own message.
        try:
            data = orjson.loads(request.body)
        except orjson.JSONDecodeError as error:
            raise BodyRefused(f"The body is not valid JSON: {error}.") from None
        if not isinstance(data, dict):
            # Every operation's body is an object; pydantic would read `null` or `[]` as an
            # empty one, and a PUT of defaults would then be made from nothing.
            raise BodyRefused("The body must be a JSON object: {...}.")
        check_json(data)
        return data


class CsrfRefused(Forbidden):
    code = "csrf_failed"


CSRF_MESSAGE = (
    "The CSRF token is missing or wrong: send the value of the csrftoken cookie in the X-CSRFToken header "
    "(and, over HTTPS, a Referer or Origin header from this site)."
)


class SessionAuth(NinjaSessionAuth):
    """django-ninja's session authentication, with the CSRF check only for a signed-in person."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None  # authenticate() refuses: 401
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfRefused(CSRF_MESSAGE)
        return request.COOKIES.get(self.param_name)


django_auth = SessionAuth()
