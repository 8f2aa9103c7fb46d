"""Shared base pieces only: abstract models every domain app builds on.

Of its own it owns one small table, the worker's heartbeat, which readiness checks
(citytools.core.health). It may import from no other City Tools app."""

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EditableRecord(TimeStampedModel):
    """A record an organisation keeps up to date: systems and contracts.

    `version` grows by one with every saved change, so an edit based on an older version can
    be refused instead of overwriting someone else's work (optimistic concurrency; the API
    exposes it as the ETag). Retiring keeps the record and its history instead of deleting.
    """

    version = models.PositiveIntegerField(default=1)
    confidential = models.BooleanField(
        default=False,
        help_text="Seen only by the organisation's own staff, its networks' coordinators and admins.",
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    # The quality seal (citytools.freshness): who answers for the record, when someone last
    # confirmed it was true, and whether someone else has changed it since. Kept out of the
    # record's history (they are not part of what the record says) and never bump `version`,
    # so confirming a record does not make anyone's open edit stale.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who answers for this record; changes by anyone else break its seal.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_other = models.BooleanField(
        default=False, help_text="Changed by someone other than the responsible editor since it was last confirmed."
    )

    SEAL_FIELDS = ("responsible", "confirmed_at", "confirmed_by", "changed_by_other")

    # Where the record's facts came from when nobody typed them: a public notice or a register
    # ({"label": "a public notice (Contracts Finder)", "source": ..., "ocid": ..., "release_ids":
    # [...], "released": "2020-01-31", "url": ...}), empty when a person entered it. It is part
    # of what the record says, so it is kept in the record's history.
    provenance = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class WorkerJob(models.Model):
    """A file the worker previews or imports when it is too large to do while the person
    waits (an organisation's spreadsheet, a network's survey): which job it is doing, how far
    it has got, and why it stopped if it failed (citytools.core.jobs)."""

    JOBS = [("preview", "Previewing"), ("commit", "Importing")]

    job = models.CharField(max_length=10, blank=True, default="", choices=JOBS)
    job_done = models.PositiveIntegerField(default=0)
    job_total = models.PositiveIntegerField(default=0)
    job_error = models.TextField(blank=True)
    job_actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    job_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """The last time each running worker (`citytools worker`) showed it was alive: its
    scheduler thread writes its row on every tick, and `/readyz` fails when the newest row
    is older than CITYTOOLS_WORKER_HEARTBEAT_MAX_AGE seconds."""

    worker = models.CharField(max_length=200, unique=True)
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class MapVersion(models.Model):
    """One row whose number goes up after every transaction that wrote to the map commits
    (citytools.core.versions): what a read kept between requests is keyed by, so it is never
    served after the data under it changed."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"map version {self.value}"
