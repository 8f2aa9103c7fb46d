"""The API of a versioned record kind (citytools.core.records): add, read with an ETag, replace,
patch, retire, history, restore.

Reads are open to anyone who may see the record; writes need a signed-in session
(`django_auth`, which also checks the CSRF token on unsafe methods). Every change states the
version it was based on with `If-Match: "<version>"` (the ETag of the last read): without it
the answer is 428, with an old one 412, and nothing is written. The door finds the record
through the kind's `visible(viewer)` (404 for what the person may not see), asks the Viewer
whether they may change it (403), and calls the kind's services.

An app declares its record's API with `RecordApi(...).register(...)`: its schemas, how a
record is loaded and answered, and the routers the operations go on. The operations keep the
names they had as hand-written functions of that app's module, so their OpenAPI operation ids
and url names stay as clients know them.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from citytools.core.api import IF_MATCH, HistoryEntryOut, history_out, require, tag
from citytools.core.api_input import django_auth
from citytools.core.doors import history_record
from citytools.core.preconditions import IfMatch, based_on, if_match, precondition
from citytools.core.records import RecordKind

RESTORE_FORBIDDEN = "Only the organisation's editors or its network coordinators can restore a version."


@dataclass(frozen=True)
class RecordApi:
    kind: RecordKind
    module: str  # the app's module that declares it: the operations' ids begin with it
    record_in: type  # the schema of a whole record sent (POST, PUT)
    record_patch: type  # the schema of some fields sent (PATCH)
    record_out: type  # the schema of a record answered
    load: Callable  # queryset -> the same, with what `out` reads loaded
    out: Callable  # (request, record) -> the answer's body
    leaves: str  # where a retired record disappears from, for the retire operation's summary

    @property
    def id_name(self) -> str:
        return f"{self.kind.name}_id"

    def _visible(self, request, pk: int):
        return get_object_or_404(self.load(self.kind.visible(request.viewer)), pk=pk)

    def _answer(self, request, response: HttpResponse, record):
        record = self.load(type(record).objects.all()).get(pk=record.pk)
        tag(response, record)
        return self.out(request, record)

    def _for_history(self, request, pk: int):
        return history_record(self.kind.readable(request.viewer), pk, request.viewer)

    # The operations' bodies ---------------------------------------------------------------

    def create(self, request, slug: str, payload, response: HttpResponse):
        organisation = get_object_or_404(self.kind.owners, slug=slug)
        require(request.viewer.can_edit(organisation.pk))
        record = self.kind.create(organisation=organisation, actor=request.user, **payload.dict())
        return Status(201, self._answer(request, response, record))

    def get(self, request, pk: int, response: HttpResponse):
        record = self._visible(request, pk)
        tag(response, record)
        return self.out(request, record)

    def update(self, request, pk: int, changes: dict, response: HttpResponse):
        record = self._visible(request, pk)
        require(request.viewer.can_edit(record.organisation_id))
        version = based_on(request, record)
        record = precondition(lambda: self.kind.update(record, version=version, changes=changes, actor=request.user))
        return self._answer(request, response, record)

    def retire(self, request, pk: int):
        record = self._visible(request, pk)
        require(request.viewer.can_edit(record.organisation_id))
        version = based_on(request, record)
        precondition(lambda: self.kind.retire(record, version=version, actor=request.user))
        return Status(204, None)

    def history(self, request, pk: int):
        record = self._for_history(request, pk)
        return history_out(self.kind.entries(record, request.viewer))

    def restore(self, request, pk: int, history_id: int, response: HttpResponse):
        record = self._for_history(request, pk)
        require(request.viewer.can_restore(record.organisation_id), RESTORE_FORBIDDEN)
        version = based_on(request, record)
        record = precondition(
            lambda: self.kind.restore(record, history_id=history_id, actor=request.user, version=version)
        )
        return self._answer(request, response, record)

    # Registration -------------------------------------------------------------------------

    def _operation(self, name: str, body: Callable, params: dict):
        """A view function for ninja with the parameters `params` (the record's id under its
        own name, as the path says it), named as the app's module would have named it."""
        id_name = self.id_name

        def operation(request, **kwargs):
            if id_name in kwargs:
                kwargs["pk"] = kwargs.pop(id_name)
            return body(request, **kwargs)

        parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        parameters += [
            inspect.Parameter(key, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
            for key, annotation in params.items()
        ]
        operation.__signature__ = inspect.Signature(parameters)
        operation.__name__ = operation.__qualname__ = name
        operation.__module__ = self.module
        return operation

    def register(self, router: Router, *, record_router: Router | None = None, with_get: bool = True) -> None:
        """Put the operations on `router`; the reads and writes of `/<plural>/{id}` go on
        `record_router` instead when another router owns that path (one path is one URL, so
        one router), tagged as this router's."""
        name, plural, id_name = self.kind.name, self.kind.plural, self.id_name
        on_record = record_router or router
        tags = {"tags": router.tags} if record_router is not None else {}
        one = f"/{plural}/{{{id_name}}}"
        body = {"payload": self.record_in, "response": HttpResponse}
        router.post(
            f"/organisations/{{slug}}/{plural}", response={201: self.record_out}, auth=django_auth,
            url_name=f"{name}_create", summary=f"Add a {name} to an organisation (its editors only)",
        )(self._operation(f"create_{name}", self.create, {"slug": str, **body}))
        if with_get:
            on_record.get(
                one, response=self.record_out, url_name=name, summary=f"One {name}, with its version as the ETag", **tags,
            )(self._operation(f"get_{name}", self.get, {id_name: int, "response": HttpResponse}))
        on_record.put(
            one, response=self.record_out, auth=django_auth, url_name=f"{name}_replace", description=IF_MATCH,
            summary=f"Replace a {name}'s fields (If-Match required)", **tags,
        )(if_match(IfMatch.REQUIRED)(self._operation(
            f"replace_{name}", lambda request, pk, payload, response: self.update(request, pk, payload.dict(), response),
            {id_name: int, **body},
        )))
        on_record.patch(
            one, response=self.record_out, auth=django_auth, url_name=f"{name}_patch", description=IF_MATCH,
            summary=f"Change some of a {name}'s fields (If-Match required)", **tags,
        )(if_match(IfMatch.REQUIRED)(self._operation(
            f"patch_{name}",
            lambda request, pk, payload, response: self.update(request, pk, payload.dict(exclude_unset=True), response),
            {id_name: int, "payload": self.record_patch, "response": HttpResponse},
        )))
        on_record.delete(
            one, response={204: None}, auth=django_auth, url_name=f"{name}_retire", description=IF_MATCH,
            summary=f"Retire a {name}: it leaves {self.leaves}, its history stays (If-Match required)", **tags,
        )(if_match(IfMatch.REQUIRED)(self._operation(f"retire_{name}", self.retire, {id_name: int})))
        router.get(
            f"{one}/history", response=list[HistoryEntryOut], url_name=f"{name}_history",
            summary=f"Every version of a {name}, newest first, with what changed",
        )(self._operation(f"{name}_history", self.history, {id_name: int}))
        router.post(
            f"{one}/history/{{history_id}}/restore", response=self.record_out, auth=django_auth,
            url_name=f"{name}_restore",
            summary="Restore an earlier version as a new version (editors and network coordinators)",
            description="If-Match is optional here; when sent, a stale one is refused with 412.",
        )(if_match(IfMatch.OPTIONAL)(self._operation(
            f"restore_{name}", self.restore, {id_name: int, "history_id": int, "response": HttpResponse}
        )))
