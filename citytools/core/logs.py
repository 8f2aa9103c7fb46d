"""Log records as one JSON object per line (CITYTOOLS_LOG_FORMAT=json), and the request
they belong to.

`RequestLogMiddleware` gives each request an id (the proxy's X-Request-ID when it sends a
plain one, else a new one), sends it back in X-Request-ID, keeps it with the request's method
and path while the request runs, and logs one line per request at INFO ("citytools.requests":
method, path, status, milliseconds). `RequestContextFilter` puts the id, method and path on
every record logged meanwhile, and `JsonFormatter` writes a record's time, level, logger and
message, and those fields where present.

Only the fields named here are written, never what a record carries besides: Django's
request logs carry the whole request, and its body, cookies and Authorization header must
never reach a log. The path is written without its query string for the same reason.
"""

import datetime
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

# (request id, method, path) of the request being answered in this thread, if any.
current_request: ContextVar[tuple[str, str, str] | None] = ContextVar("citytools_request", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept only if it is short and plain, so that it cannot forge log lines.
PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

requests_log = logging.getLogger("citytools.requests")


class RequestContextFilter(logging.Filter):
    """Adds request_id, method and path to records logged while a request is answered."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request.get()
        request = getattr(record, "request", None)
        if context is None and request is not None:
            # Django logs a 404 or 500 once the middleware is done, with the request attached.
            context = (getattr(request, "request_id", None), getattr(request, "method", None), getattr(request, "path", None))
        if context is not None:
            for name, value in zip(("request_id", "method", "path"), context):
                if not hasattr(record, name):
                    setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, then request_id,
    method, path, status and duration_ms where the record has them, and the traceback of an
    exception."""

    OPTIONAL = (("request_id", "request_id"), ("method", "method"), ("path", "path"),
                ("status_code", "status"), ("duration_ms", "duration_ms"))

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for attribute, key in self.OPTIONAL:
            value = getattr(record, attribute, None)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def console_formatter(log_format: str) -> logging.Formatter | None:
    """The formatter a console handler uses for CITYTOOLS_LOG_FORMAT (None: the plain default)."""
    return JsonFormatter() if log_format == "json" else None


def request_id_for(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if PLAIN_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.request_id = request_id_for(request)
        token = current_request.set((request_id, request.method, request.path))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            requests_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"status_code": response.status_code, "duration_ms": round((time.monotonic() - started) * 1000, 1)},
            )
            return response
        finally:
            current_request.reset(token)
