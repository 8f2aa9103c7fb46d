"""The OpenAPI document says what the API really answers, refusals included, in one place.

django-ninja documents each operation's successful answers only. This generator adds, to
every operation, the problem+json answers it can give, derived from what the operation is:

- every operation may answer 400 (a rule of the domain, or a parameter the site refuses
  outright, such as a NUL character) and, when it takes parameters or a body, 422;
- one behind the session (`django_auth`) answers 401 to anonymous people and 403 to those
  without the role or without the CSRF token;
- one with a path parameter, or a free-text query parameter (a slug), answers 404 for a
  record that does not exist or that the person may not see; so may a write, for the
  records its body names;
- a write answers 409 when it collides with the state of the record, 413 for a body over
  the size limit;
- the If-Match header and its 412/428 answers come from the operation's `@if_match`
  declaration (citytools.core.preconditions), the same mark that makes the door enforce it.

It also refuses two schemas of the same name with different shapes: ninja would silently
keep one of them, and the document would then describe the other operation's answer wrongly.
"""

from http import HTTPStatus
from typing import ClassVar

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from citytools.core.preconditions import ATTRIBUTE, IfMatch

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; a refusal may carry further members.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "`about:blank#<code>`, the code naming the refusal."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {
            "description": "Why, for a person; for 422, a list of the problems with each parameter.",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
        },
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}

WHEN = {
    400: "Refused by a rule, or a parameter the site refuses outright; `detail` says why.",
    401: "Not signed in.",
    403: "Signed in without the role this needs, or without the CSRF token (`X-CSRFToken`).",
    404: "No such record, or none you may see.",
    409: "The request collides with the record's state, e.g. it repeats an existing entry.",
    412: "If-Match names a version that is no longer current: nothing was written.",
    413: "The body is over the size limit.",
    422: "A parameter or a field of the body is missing, of the wrong type or out of range.",
    428: "If-Match is missing: send the ETag of your last read.",
}

IF_MATCH_DESCRIPTION = {
    IfMatch.REQUIRED: "The ETag of the version your change is based on, as returned by GET: `\"3\"`.",
    IfMatch.OPTIONAL: "The ETag of the version your change is based on; when sent, a stale one is refused with 412.",
    IfMatch.TO_REPLACE: (
        "Not needed to create; required (428 without it) to change what exists: the ETag of your last read."
    ),
}

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def if_match_mode(operation: Operation) -> IfMatch | None:
    return getattr(operation.view_func, ATTRIBUTE, None)


def _names_a_record(parameter: dict) -> bool:
    """A query parameter that is free text may be a slug naming a record: 404 when none has it."""
    schema = parameter.get("schema", {})
    kinds = [schema, *schema.get("anyOf", [])]
    return parameter["in"] == "query" and any(k.get("type") == "string" and "enum" not in k and "format" not in k for k in kinds)


def refusals(operation: Operation, details: dict) -> list[int]:
    """The error statuses an operation can answer, from what it is (see the module's docstring)."""
    write = not SAFE_METHODS.issuperset(operation.methods)
    parameters = details.get("parameters") or []
    statuses = {400}
    if parameters or "requestBody" in details:
        statuses.add(422)
    if operation.auth_callbacks:
        statuses |= {401, 403}
    if write or any(p["in"] == "path" or _names_a_record(p) for p in parameters):
        statuses.add(404)
    if write:
        statuses.add(409)
    if "requestBody" in details:
        statuses.add(413)
    mode = if_match_mode(operation)
    if mode is not None:
        statuses.add(412)
        if mode is not IfMatch.OPTIONAL:
            statuses.add(428)
    return sorted(statuses)


class Document(OpenAPISchema):
    def operation_details(self, operation: Operation) -> dict:
        details = super().operation_details(operation)
        mode = if_match_mode(operation)
        if mode is not None:
            details["parameters"].append({
                "in": "header",
                "name": "If-Match",
                "required": mode is IfMatch.REQUIRED,
                "description": IF_MATCH_DESCRIPTION[mode],
                "schema": {"type": "string", "examples": ['"1"']},
            })
        for status in refusals(operation, details):
            details["responses"].setdefault(status, {
                "description": f"{HTTPStatus(status).phrase}. {WHEN[status]}",
                "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}},
            })
        return details

    def get_components(self) -> dict:
        components = super().get_components()
        components["schemas"]["Problem"] = PROBLEM
        return components

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise ValueError(
                    f"Two schemas are named {name} with different shapes: rename one, or the "
                    "document describes one of them wrongly."
                )
        super().add_schema_definitions(definitions)


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document includes every operation's refusals and preconditions."""

    # An operation's id is published (clients generate method names from it) and ninja builds
    # it from the module of the function. The cross-app reads moved into market when it became
    # the read side of the map (docs/architecture.md); their ids stay the ones first published.
    PUBLISHED_MODULES: ClassVar[dict[str, str]] = {
        "citytools.market.directory_api": "citytools.directory.api",
        "citytools.market.inventory_api": "citytools.inventory.api",
    }

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        return f"{self.PUBLISHED_MODULES.get(module, module)}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Document:
        """The document is built once per prefix: the operations are fixed when the URLs load,
        and building it (about 130 paths) takes half a second that each reader would wait for."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        documents = self.__dict__.setdefault("_documents", {})
        if path_prefix not in documents:
            documents[path_prefix] = Document(self, path_prefix)
        return documents[path_prefix]
