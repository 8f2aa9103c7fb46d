"""Freshness owns what keeps the map true: attestation campaigns, the confirmations people
make (in a campaign or not), and the reminders sent. The quality seal itself lives on each
record (citytools.core.models.EditableRecord), the review period on the network.

It may import from core, directory, accounts, inventory and contracts only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from citytools.core.models import TimeStampedModel
from citytools.freshness.rules import CampaignStatus


class Campaign(TimeStampedModel):
    """A network coordinator's request that organisations confirm or correct their records
    by a deadline."""

    class Kinds(models.TextChoices):
        BOTH = "both", "Systems and contracts"
        SYSTEMS = "systems", "Systems only"
        CONTRACTS = "contracts", "Contracts only"

    Status = models.TextChoices("Status", [(s.value, s.value.capitalize()) for s in CampaignStatus])

    network = models.ForeignKey("directory.Network", on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True, help_text="What the coordinator asks, shown to every editor.")
    kinds = models.CharField(max_length=10, choices=Kinds.choices, default=Kinds.BOTH)
    service_areas = models.ManyToManyField(
        "inventory.ServiceArea", blank=True, related_name="+", help_text="Blank: every service area."
    )
    deadline = models.DateField()
    reminder_days = models.JSONField(default=list, help_text="Days before the deadline to remind, e.g. [7, 1].")
    status = models.CharField(max_length=10, choices=Status.choices, default=CampaignStatus.DRAFT)
    # Grows by one with every change of the draft and every move (launch, close), so a change
    # or deletion based on what someone read earlier is refused instead of applied blind.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    launched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True, help_text="Each organisation's figures when it closed.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("freshness:campaign", args=[self.pk])

    @property
    def includes_systems(self) -> bool:
        return self.kinds in (self.Kinds.BOTH, self.Kinds.SYSTEMS)

    @property
    def includes_contracts(self) -> bool:
        return self.kinds in (self.Kinds.BOTH, self.Kinds.CONTRACTS)


class Participant(TimeStampedModel):
    """An organisation asked to take part, with its freshness when the campaign started."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    freshness_at_launch = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__short_name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "organisation"], name="unique_participant")]

    def __str__(self):
        return f"{self.organisation} in {self.campaign}"


class Attestation(models.Model):
    """One person's confirmation that one record, at one version, is true."""

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", "Confirmed unchanged"
        CORRECTED = "corrected", "Corrected and confirmed"

    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="attestations")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey("inventory.System", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey("contracts.Contract", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(system__isnull=True, contract__isnull=False) | Q(system__isnull=False, contract__isnull=True),
                name="attestation_one_record",
            )
        ]


class Reminder(models.Model):
    """A reminder e-mail for one organisation in one campaign, sent once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    days_before = models.SmallIntegerField(help_text="Days before the deadline; -1 for the launch message.")
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation", "days_before"], name="unique_reminder")
        ]
