"""Contracts: what an organisation pays a supplier for which systems, and until when.

It may import from core, directory, accounts and inventory only.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from citytools.core.models import EditableRecord


class ContractQuerySet(models.QuerySet):
    def ending_between(self, start, end):
        return self.filter(end_date__gte=start, end_date__lte=end)

    def current_on(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)

    def active(self):
        return self.filter(retired_at__isnull=True)

    def visible_to(self, viewer):
        """Current contracts this viewer may see; their values still need
        `viewer.redact_contracts` or, for sums, `viewer.values_q()`."""
        return self.active().filter(viewer.contracts_q())


class Contract(EditableRecord):
    class Route(models.TextChoices):
        OPEN = "open", "Open procedure"
        RESTRICTED = "restricted", "Restricted procedure"
        COMPETITIVE = "competitive", "Competitive flexible or dialogue"
        FRAMEWORK = "framework", "Framework call-off"
        DIRECT_AWARD = "direct_award", "Direct award"
        EXTENSION = "extension", "Extension or variation"
        UNKNOWN = "unknown", "Not known"

    class Source(models.TextChoices):
        ORGANISATION = "organisation", "Reported by the organisation"
        CONTRACTS_FINDER = "contracts_finder", "Contracts Finder notice"
        FIND_A_TENDER = "find_a_tender", "Find a Tender notice"
        TRANSPARENCY = "transparency", "Spending or contracts register"
        FOI = "foi", "Freedom of information response"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="contracts"
    )
    supplier = models.ForeignKey(
        "directory.Supplier", on_delete=models.PROTECT, related_name="contracts"
    )
    systems = models.ManyToManyField("inventory.System", related_name="contracts", blank=True)
    title = models.CharField(max_length=300)
    total_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP", help_text="ISO 4217 code.")
    start_date = models.DateField()
    end_date = models.DateField()
    extension_end_date = models.DateField(
        null=True, blank=True, help_text="The latest end date if every extension option is taken."
    )
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.UNKNOWN)
    framework = models.CharField(max_length=200, blank=True, help_text="Framework name, if any.")
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.ORGANISATION)
    reference = models.CharField(max_length=100, blank=True, help_text="Notice or register reference.")
    source_url = models.URLField(blank=True)

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[systems], excluded_fields=EditableRecord.SEAL_FIELDS)

    class Meta:
        ordering = ["end_date", "id"]
        indexes = [
            # The contract list, its API and the timeline read current contracts by end date
            # (the default sort, "ending within" and date ranges) and count them: with
            # `retired_at IS NULL` as the index's first column both the count and a page in
            # end-date order come from the index instead of a scan and sort of every contract.
            models.Index(fields=["retired_at", "end_date"], name="contract_current_by_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="contract_ends_after_start"),
            models.CheckConstraint(
                condition=Q(extension_end_date__isnull=True) | Q(extension_end_date__gte=F("end_date")),
                name="contract_extension_after_end",
            ),
            models.CheckConstraint(
                condition=Q(total_value__isnull=True) | Q(total_value__gte=0), name="contract_total_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(annual_value__isnull=True) | Q(annual_value__gte=0), name="contract_annual_value_not_negative"
            ),
            models.UniqueConstraint(
                fields=["organisation", "reference"], condition=~Q(reference=""), name="unique_contract_reference"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("contracts:contract", args=[self.pk])
