"""Registers owns the public registers City Tools ships (data/), each a list of facts about
many organisations at once (which library management system every UK library service runs),
and loading them onto the map: it finds or creates each organisation, supplier and product,
and adds each system through citytools.inventory.services with the register as its
provenance, unconfirmed. A register load keeps no table of its own: what it did is in the
records it wrote and their history.

It also owns a network's survey files (`SurveyImport`) between upload and import: each row
names an organisation of the network and a system it runs, and goes to that organisation's
review queue (citytools.notices.services.propose), or onto its map when the source is trusted.

It may import from core, directory, accounts, inventory, contracts, freshness, market,
partnering, satisfaction, opportunities, spreadsheets, search and notices only.
"""

from django.conf import settings
from django.db import models

from citytools.core.models import TimeStampedModel, WorkerJob


class SurveyImport(WorkerJob, TimeStampedModel):
    """A network's survey spreadsheet, its column mapping, the coordinator's decisions on
    rows that name a joint service, and what its last preview (or its import) found. A large
    file is previewed and imported by the worker (citytools.registers.tasks)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        COMMITTED = "committed", "Imported"

    network = models.ForeignKey("directory.Network", on_delete=models.CASCADE, related_name="+")
    # The source's name, kept in every record's provenance ("London survey 2026"); a later
    # edition of the same survey is imported under the same name.
    label = models.CharField(max_length=200)
    trusted = models.BooleanField(default=False)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The field of each column, by position; "" leaves a column out.
    mapping = models.JSONField(default=list)
    # Row number (as text) → the organisations' pks a joint-service row goes to.
    decisions = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    # The last preview's (or the import's) report: every row's result, counts per status and
    # per organisation, and what an earlier edition had that this file lacks.
    report = models.JSONField(null=True, blank=True)
    expires_at = models.DateTimeField()
    committed_at = models.DateTimeField(null=True, blank=True)
    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label} ({self.filename})"
