"""The one error type business rules raise.

Each door translates it in one place: a form error in views, a problem+json response in
the API (citytools.core.api), and a message plus exit code in the CLI.
"""


class DomainError(Exception):
    """A rule of the domain refused the request; `message` is safe to show the person."""

    code = "domain_error"
    status = 400
    # Further members of the API's problem+json, such as the existing entry a request repeats.
    extra: dict | None = None

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The person is known but their roles do not allow this."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The record changed since the person read it (optimistic concurrency)."""

    code = "conflict"
    status = 409
