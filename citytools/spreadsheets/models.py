"""Spreadsheets owns the files an organisation's editors import, between upload and commit,
and the column choices each organisation made last time. The records themselves are written
only through citytools.inventory.services and citytools.contracts.services.

Uploaded files are kept in the database, not on disk, until they expire. It may import from
core, directory, accounts, inventory, contracts, freshness, market, partnering, satisfaction
and opportunities only.
"""

from django.conf import settings
from django.db import models

from citytools.core.models import TimeStampedModel, WorkerJob


class Kind(models.TextChoices):
    SYSTEMS = "systems", "Systems"
    CONTRACTS = "contracts", "Contracts"


class ColumnMapping(TimeStampedModel):
    """An organisation's remembered choices: which field each header of its files means."""

    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Normalised header text → field name, or "" for a column to leave out.
    columns = models.JSONField(default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="one_column_mapping_per_kind")]


class Upload(WorkerJob, TimeStampedModel):
    """A spreadsheet uploaded for import, its column mapping and what its preview saw. A large
    file is previewed and imported by the worker (citytools.spreadsheets.tasks)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        COMMITTED = "committed", "Imported"

    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The field of each column, by position; "" leaves a column out.
    mapping = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    # What the last preview found: each matched record's version, and a digest of the plan,
    # so a commit can tell that something changed in between (citytools.spreadsheets.services).
    previewed_versions = models.JSONField(default=dict)
    plan_digest = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict)
    # The last preview as it was shown (every row's result, changes and errors), so reading
    # the page again does not run the dry run again; "preview again" does.
    report = models.JSONField(null=True, blank=True)
    expires_at = models.DateTimeField()
    committed_at = models.DateTimeField(null=True, blank=True)
    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename
