"""Edits and history for records that keep a version (core.models.EditableRecord).

Every change to a system or contract goes through `save_edit`: a conditional
`UPDATE ... WHERE pk = ? AND version = ?`, so of two people who opened the same version only
the first to save wins and the other is refused (`Conflict`) with nothing written. A queryset
update sends no signals, so django-simple-history's row is then written once, explicitly, by
`record_history`, after the row and its many-to-many links are final: one history row per
edit, carrying who made it. An edit that changes nothing writes nothing: the version and
the history stay as they were.

`history_entries` turns the stored rows into field-by-field changes for a page or the API,
from the versions the caller says this viewer may read (`Viewer.versions`: a version from a
confidential period stays hidden after the record is made public) and leaving out the
fields they may not see; `restorable_state` gives the values an earlier version held, for a
restore. The ETag / If-Match helpers at the end are
shared by the systems and contracts API doors.

This module knows only Django and simple-history; the apps pass in what is theirs (which
fields are hidden, how related objects are named).
"""

import contextlib
import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, router, transaction
from django.db.models import Case, F, Value, When
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.dateformat import format as format_date
from simple_history.utils import get_m2m_reverse_field_name

from citytools.core.errors import Conflict, DomainError, NotFound

STALE_MESSAGE = (
    "Someone else changed this record since you opened it. Nothing was saved. "
    "Reload the current version to see their changes, then make yours again."
)

# Bookkeeping fields: never shown as changes and never restored. The organisation never
# changes after creation, so it is no part of a diff either.
NOT_DIFFED = {"id", "created_at", "updated_at", "version", "organisation"}
NOT_RESTORED = NOT_DIFFED


# Writing -------------------------------------------------------------------------------


def set_links(record: models.Model, links: Mapping[str, Iterable] | None) -> None:
    """Set many-to-many links without simple-history's per-link rows: the edit's one row,
    written afterwards, holds the links as they end up."""
    if not links:
        return
    record.skip_history_when_saving = True
    try:
        for name, values in links.items():
            getattr(record, name).set(list(values))
    finally:
        del record.skip_history_when_saving


_state = threading.local()


@contextlib.contextmanager
def rehearsal():
    """Writes in this block will be rolled back (a dry run, such as a spreadsheet preview):
    their history rows are not written at all, which makes a dry run of many rows about
    twice as fast. Only ever use it inside a transaction that is rolled back."""
    before = getattr(_state, "rehearsing", False)
    _state.rehearsing = True
    try:
        yield
    finally:
        _state.rehearsing = before


def record_history(record: models.Model, *, actor, created: bool, reason: str | None = None) -> None:
    """Write the one history row of an edit, as `Model.save()` would have, naming `actor`."""
    if getattr(_state, "rehearsing", False):
        return
    record._history_user = actor
    record._change_reason = reason
    try:
        post_save.send(
            sender=type(record),
            instance=record,
            created=created,
            update_fields=None,
            raw=False,
            using=router.db_for_write(type(record)),
        )
    finally:
        del record._history_user
        del record._change_reason


def _prepare(record: models.Model, *, actor, confirm: bool) -> None:
    if hasattr(record, "version"):
        record.version = 1
    if confirm and hasattr(record, "SEAL_FIELDS") and getattr(actor, "pk", None) is not None:
        # Whoever adds a record answers for it, and adding it is a confirmation.
        record.responsible_id = record.responsible_id or actor.pk
        record.confirmed_at = timezone.now()
        record.confirmed_by_id = actor.pk
        record.changed_by_other = False


class Batch:
    """New records inserted together, each with its links and (where its model keeps history)
    its "created" history row: what `create_record` does for one record, in a few statements
    for thousands (a trusted survey's rows). A service given a batch checks a record at once
    and adds it here; `write()` inserts what was added, model by model, each after the models
    it points at, so a contract may cover a system and a rating name a system added before it
    to the same batch. A record's pk is None until then. Write it inside the transaction its
    records were checked in."""

    def __init__(self):
        self._entries: list[tuple[models.Model, dict | None, object, str | None]] = []

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, record: models.Model, *, links: Mapping[str, Iterable] | None = None, actor, confirm: bool = True,
            reason: str | None = None) -> models.Model:
        _prepare(record, actor=actor, confirm=confirm)
        self._entries.append((record, dict(links) if links else None, actor, reason))
        return record

    @contextlib.contextmanager
    def undone_on_error(self):
        """What the block adds is taken back if it fails, as its savepoint takes back its writes."""
        mark = len(self._entries)
        try:
            yield self
        except BaseException:
            del self._entries[mark:]
            raise

    def write(self) -> None:
        entries, self._entries = self._entries, []
        by_model: dict[type, list] = defaultdict(list)
        for entry in entries:
            by_model[type(entry[0])].append(entry)
        with transaction.atomic():
            for model in _in_dependency_order(list(by_model)):
                _insert(model, by_model[model])


BATCH_SIZE = 500


def _in_dependency_order(pending: list[type]) -> list[type]:
    """The models in an order that writes each after those it points at (foreign keys and
    many-to-many links among them)."""
    def targets(model) -> set:
        related = [f.related_model for f in model._meta.concrete_fields if f.is_relation]
        related += [f.related_model for f in model._meta.local_many_to_many]
        return set(related) - {model}

    ordered: list[type] = []
    while pending:
        ready = [model for model in pending if not targets(model) & set(pending)]
        if not ready:
            raise ValueError(f"The batch's models point at each other: {', '.join(m.__name__ for m in pending)}.")
        ordered += ready
        pending = [model for model in pending if model not in ready]
    return ordered


def _insert(model, entries: list) -> None:
    """Insert one model's new records, their links and (outside a rehearsal) their history
    rows, as `create_record` would one by one."""
    records = [record for record, *_ in entries]
    model._default_manager.bulk_create(records, batch_size=BATCH_SIZE)
    through_rows: dict[str, dict[int, list]] = {}
    for link_field in model._meta.local_many_to_many:
        through = link_field.remote_field.through
        source, target = f"{link_field.m2m_field_name()}_id", f"{link_field.m2m_reverse_field_name()}_id"
        rows: dict[int, list] = {}
        for record, links, *_ in entries:
            values = (links or {}).get(link_field.name, ())
            wanted = dict.fromkeys(v.pk if isinstance(v, models.Model) else v for v in values)
            rows[record.pk] = [through(**{source: record.pk, target: pk}) for pk in wanted]
        through.objects.bulk_create([row for each in rows.values() for row in each], batch_size=BATCH_SIZE)
        through_rows[link_field.name] = rows
    if getattr(_state, "rehearsing", False) or not hasattr(model._meta, "simple_history_manager_attribute"):
        return
    for record, _links, actor, reason in entries:
        record._history_user, record._change_reason = actor, reason
    try:
        history_rows = model.history.bulk_history_create(records, batch_size=BATCH_SIZE, default_change_reason=None)
    finally:
        for record in records:
            del record._history_user, record._change_reason
    history_model = model.history.model
    for link_field in history_model._history_m2m_fields:
        link_history = getattr(history_model, link_field.name).model
        names = [f.attname for f in link_field.remote_field.through._meta.fields]
        link_history.objects.bulk_create(
            [
                link_history(history=row, **{name: getattr(link, name) for name in names})
                for row, record in zip(history_rows, records, strict=True)
                for link in through_rows.get(link_field.name, {}).get(record.pk, ())
            ],
            batch_size=BATCH_SIZE,
        )


def create_record(
    record: models.Model, *, links: Mapping[str, Iterable] | None, actor, confirm: bool = True, reason: str | None = None,
    batch: Batch | None = None,
) -> models.Model:
    """Insert a new record with its links, and its "created" history row (with `reason`, if
    given). `confirm=False` for facts taken from a notice or register: adding them is not
    vouching for them. With `batch`, the record is added to it and written with it."""
    if batch is not None:
        return batch.add(record, links=links, actor=actor, confirm=confirm, reason=reason)
    one = Batch()
    one.add(record, links=links, actor=actor, confirm=confirm, reason=reason)
    one.write()
    return record


def save_edit(
    record: models.Model,
    *,
    version: int,
    fields: Mapping[str, object],
    links: Mapping[str, Iterable] | None = None,
    actor,
    reason: str | None = None,
) -> models.Model:
    """Apply `fields` and `links` to `record` if it is still at `version`; return it reloaded.

    The version test and the write are one statement, so the database settles a race: on
    PostgreSQL the second of two concurrent updates waits for the first to commit, then finds
    the version moved on and updates nothing.
    """
    model = type(record)
    seal = {"changed_by_other": seal_after_edit(actor)} if hasattr(model, "SEAL_FIELDS") else {}
    with transaction.atomic():
        current = model._default_manager.select_for_update().filter(pk=record.pk, version=version).first()
        if current is not None and unchanged(current, fields, links):
            # Saving a form unchanged writes nothing: no new version, no history row, and the
            # seal of the responsible editor holds.
            return current
        claimed = model._default_manager.filter(pk=record.pk, version=version).update(
            **fields, **seal, version=F("version") + 1, updated_at=timezone.now()
        )
        if not claimed:
            raise Conflict(STALE_MESSAGE, code="stale_version")
        fresh = model._default_manager.get(pk=record.pk)
        set_links(fresh, links)
        record_history(fresh, actor=actor, created=False, reason=reason)
    return fresh


def unchanged(record: models.Model, fields: Mapping[str, object], links: Mapping[str, Iterable] | None = None) -> bool:
    """Whether `record` already holds every value of `fields` (by field name or attname;
    a related object compares by its key) and exactly the `links` given."""
    meta = record._meta
    for name, value in fields.items():
        model_field = meta.get_field(name)
        if model_field.is_relation and isinstance(value, models.Model):
            value = value.pk
        try:
            value = model_field.to_python(value) if not model_field.is_relation else value
        except Exception:  # noqa: BLE001  (a value the field cannot read is a change; the write will say why)
            return False
        if value != getattr(record, model_field.attname):
            return False
    for name, values in (links or {}).items():
        wanted = {value.pk if isinstance(value, models.Model) else value for value in values}
        if wanted != set(getattr(record, name).values_list("pk", flat=True)):
            return False
    return True


def seal_after_edit(actor):
    """The record's `changed_by_other` after `actor` changes it, as one SQL expression: a
    change by the responsible editor keeps the seal as it was; anyone else's breaks it."""
    actor_id = getattr(actor, "pk", None)
    if actor_id is None:
        return Value(True)
    return Case(When(responsible_id=actor_id, then=F("changed_by_other")), default=Value(True))


# Reading history -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    history_id: int
    version: int
    when: datetime.datetime
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)
    is_current: bool = False
    hidden_changes: bool = False
    # Whether `changes` compare with an earlier version: not for the version that created the
    # record, nor for the first version shown to someone who may not read the ones before.
    compared: bool = True
    # The versions just before this one are not shown to this viewer.
    after_hidden: bool = False


def _label(model_field) -> str:
    text = str(model_field.verbose_name)
    return text[:1].upper() + text[1:]


def _tracked(history_model, hidden: set[str]) -> tuple[list, list]:
    scalar = [f for f in history_model.tracked_fields if f.name not in NOT_DIFFED and f.name not in hidden]
    m2m = [f for f in history_model._history_m2m_fields if f.name not in hidden]
    return scalar, m2m


def _link_rows(history_model, m2m_field, history_ids: list[int]) -> dict[int, list[int]]:
    """Target ids of one many-to-many field at each of the given history rows."""
    m2m_model = getattr(history_model, m2m_field.name).model
    target = m2m_model._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
    found: dict[int, list[int]] = defaultdict(list)
    for history_id, target_id in m2m_model.objects.filter(history_id__in=history_ids).values_list(
        "history_id", target
    ):
        found[history_id].append(target_id)
    return found


def _names(queryset, ids: set) -> dict:
    return {obj.pk: str(obj) for obj in queryset.filter(pk__in=ids)} if ids else {}


NOT_RECORDED = "Not recorded"
NOT_SHOWN = "Not shown to you"


def _display(model_field, value, names: Mapping) -> str:
    if value is None or value == "" or value == {}:
        return NOT_RECORDED
    if isinstance(value, dict):
        # A record's provenance: where its facts came from, and the notice or register's id.
        return " ".join(filter(None, (str(value.get("label", "")), str(value.get("ocid", ""))))) or NOT_RECORDED
    if model_field.is_relation:
        return names.get(value, NOT_SHOWN)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def history_entries(
    record: models.Model,
    *,
    versions: models.QuerySet,
    hidden: Iterable[str] = (),
    show_people: bool = False,
    related: Mapping[str, models.QuerySet] | None = None,
) -> list[Entry]:
    """The record's versions, newest first, each with what changed from the one before.

    `versions` are the record's history rows this viewer may read (`Viewer.versions`). The
    others are left out entirely, and each version shown is compared with the version before
    it that the viewer may read, so no diff shows a value from a hidden version, not even as
    the "before" of a change. `hidden` names fields whose values this viewer may not see: they are left out of every
    diff, so neither old nor new values (nor the fact they changed) reach the viewer.
    `related` gives, per relation field, the queryset that names related objects; an object
    missing from it (one the viewer may not see) is shown as "Not shown to you".
    `show_people` says whether to name the person behind each change or only their role.
    Bounded queries: one for the rows, one per many-to-many field, one per relation named.
    """
    hidden = set(hidden)
    related = dict(related or {})
    history_model = type(record).history.model
    scalar, m2m = _tracked(history_model, hidden)
    rows = list(versions.select_related("history_user").order_by("history_date", "history_id"))
    every_id = list(record.history.order_by("history_date", "history_id").values_list("history_id", flat=True))
    ids = [row.history_id for row in rows]
    links = {f.name: _link_rows(history_model, f, ids) for f in m2m}

    names: dict[str, dict] = {}
    for f in scalar:
        if f.is_relation:
            wanted = {getattr(row, f.attname) for row in rows} - {None}
            names[f.name] = _names(related.get(f.name, f.related_model._default_manager.all()), wanted)
    for f in m2m:
        wanted = {target for targets in links[f.name].values() for target in targets}
        names[f.name] = _names(related.get(f.name, f.related_model._default_manager.all()), wanted)

    def m2m_display(name: str, history_id: int) -> str:
        labels = sorted(names[name].get(target, NOT_SHOWN) for target in links[name].get(history_id, []))
        return ", ".join(labels) if labels else "None"

    position = {history_id: index for index, history_id in enumerate(every_id)}
    entries = []
    previous = None
    for row in rows:
        # The versions the viewer may not read between the one shown before and this one.
        after_hidden = position[row.history_id] != (position[previous.history_id] + 1 if previous is not None else 0)
        changes = []
        for f in scalar:
            new = getattr(row, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and (new is None or new == "" or new is False):
                continue
            changes.append(
                Change(
                    f.name,
                    _label(f),
                    _display(f, old, names.get(f.name, {})) if previous is not None else "",
                    _display(f, new, names.get(f.name, {})),
                )
            )
        for f in m2m:
            new = m2m_display(f.name, row.history_id)
            old = m2m_display(f.name, previous.history_id) if previous is not None else ""
            if new != old and not (previous is None and new == "None"):
                changes.append(Change(f.name, _label(f), old, new))
        changes.sort(key=lambda change: change.label)
        user = row.history_user
        if user is None:
            who = "The system"
        elif show_people:
            who = str(user)
        else:
            who = "An editor"
        action = "Created" if row.history_type == "+" else (row.history_change_reason or "Changed")
        entries.append(
            Entry(
                history_id=row.history_id,
                version=row.version,
                when=row.history_date,
                who=who,
                action=action,
                changes=changes,
                hidden_changes=not changes and previous is not None,
                compared=previous is not None,
                after_hidden=after_hidden,
            )
        )
        previous = row
    if entries and rows[-1].history_id == every_id[-1]:
        last = entries[-1]
        entries[-1] = Entry(**{**last.__dict__, "is_current": True})
    return list(reversed(entries))


def restorable_state(record: models.Model, *, history_id: int, versions: models.QuerySet) -> tuple[int, dict, dict]:
    """The version number, field values and many-to-many links the record had at one
    history row, among the `versions` the restorer may read. Raises NotFound for a row that
    is not among them (another record's, or one the restorer may not see)."""
    history_model = type(record).history.model
    row = versions.filter(history_id=history_id).first()
    if row is None:
        raise NotFound("This record has no such version.")
    fields = {
        f.attname: getattr(row, f.attname) for f in history_model.tracked_fields if f.name not in NOT_RESTORED
    }
    links = {f.name: _link_rows(history_model, f, [row.history_id]).get(row.history_id, []) for f in history_model._history_m2m_fields}
    return row.version, fields, links


# ETag / If-Match, for the API doors ------------------------------------------------------


class PreconditionRequired(DomainError):
    code = "precondition_required"
    status = 428


class PreconditionFailed(DomainError):
    code = "precondition_failed"
    status = 412


IF_MATCH_REQUIRED = (
    "Send an If-Match header with the ETag from your last read of this record, so that "
    "nobody's changes are overwritten by mistake."
)
IF_MATCH_STALE = (
    "The record changed since the ETag you sent: someone else saved a newer version. "
    "Nothing was saved. Read the record again and resend your change with its new ETag."
)


def etag(version: int) -> str:
    return f'"{version}"'


def version_from_if_match(header: str | None, *, current: int, required: bool = True) -> int | None:
    """The version an API client based its change on, from If-Match (RFC 9110, 13.1.1).

    Entity tags compare strongly, so a weak tag (W/"3") never matches. `*` means "whatever
    is current". A header that names no current version answers 412 without writing.
    """
    if not header or not header.strip():
        if required:
            raise PreconditionRequired(IF_MATCH_REQUIRED)
        return None
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags or etag(current) in tags:
        return current
    raise PreconditionFailed(IF_MATCH_STALE)
