"""The inventory owns what is used for what: the service-area taxonomy, products and systems.

A system is one organisation's use of one product for one or more service areas. It may
import from core, directory and accounts only.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from citytools.core.models import EditableRecord, TimeStampedModel
from citytools.directory.models import CatalogueEntry


class ServiceAreaQuerySet(models.QuerySet):
    def groups(self):
        return self.filter(parent__isnull=True)

    def leaves(self):
        return self.filter(parent__isnull=False)

    def choices_by_group(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The areas grouped by their group, in taxonomy order: [(group name, [(slug, name)])],
        for the forms that offer a checkbox per area (a system's, an alert's)."""
        areas = self.select_related("parent").order_by("parent__position", "parent__name", "position", "name")
        groups: dict[str, list] = {}
        for area in areas:
            if area.parent_id:
                groups.setdefault(area.parent.name, []).append((area.slug, area.name))
        return list(groups.items())


class ServiceArea(TimeStampedModel):
    """Two levels: a group (Housing) and its areas (Housing management). Systems are
    attached to areas, never to groups."""

    class Kind(models.TextChoices):
        FRONTLINE = "frontline", "Frontline"
        CORPORATE = "corporate", "Corporate"

    slug = models.SlugField(unique=True, max_length=100)
    name = models.CharField(max_length=150)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True)
    # How long a procurement in this area takes, from deciding to replace to a new contract
    # in place: the opportunity finder and the decision dates count back by it.
    procurement_lead_months = models.PositiveSmallIntegerField(
        default=9, help_text="Months from the decision to procure to a new contract in place."
    )
    # Who changed a lead time, when and from what (citytools.inventory.services.set_lead_time).
    # Loading the taxonomy writes in bulk and records no history.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    objects = ServiceAreaQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Service areas have two levels: pick a group."})

    @property
    def is_group(self):
        return self.parent_id is None

    def get_absolute_url(self):
        return reverse("inventory:service_area", args=[self.slug])


class Product(CatalogueEntry):
    slug = models.SlugField(unique=True, max_length=100)
    name = models.CharField(max_length=200)
    manufacturer = models.ForeignKey(
        "directory.Supplier", on_delete=models.PROTECT, related_name="products_made"
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inventory:product", args=[self.slug])


class SystemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)

    def in_use(self):
        """Systems the organisation runs today: current, and live or being replaced (a
        planned one is not in use yet)."""
        return self.active().filter(status__in=System.IN_USE)

    def visible_to(self, viewer):
        """Current systems this viewer may see (citytools.accounts.viewer)."""
        return self.active().filter(viewer.systems_q())


class System(EditableRecord):
    """An organisation's use of a product."""

    class Hosting(models.TextChoices):
        ON_PREMISES = "on_premises", "On premises"
        HOSTED = "hosted", "Hosted"
        SAAS = "saas", "Software as a service"

    class Status(models.TextChoices):
        LIVE = "live", "Live"
        BEING_REPLACED = "being_replaced", "Being replaced"
        PLANNED = "planned", "Planned"

    # What "in use" means wherever it matters (rating it, saying one shares its problems).
    IN_USE = (Status.LIVE, Status.BEING_REPLACED)

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="systems"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="systems")
    supplier = models.ForeignKey(
        "directory.Supplier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="systems_supplied",
        help_text="The company that sells or runs it, when that is not the manufacturer.",
    )
    service_areas = models.ManyToManyField(ServiceArea, related_name="systems")
    hosting = models.CharField(max_length=20, choices=Hosting.choices, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LIVE)
    go_live = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="Member-only by default, like other comments.")

    objects = SystemQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[service_areas], excluded_fields=EditableRecord.SEAL_FIELDS)

    class Meta:
        ordering = ["organisation__short_name", "product__name"]

    def __str__(self):
        return f"{self.product} at {self.organisation}"

    @property
    def is_in_use(self) -> bool:
        return self.retired_at is None and self.status in self.IN_USE

    @property
    def go_live_label(self) -> str:
        """What its go-live date means: a planned system (or a date still ahead) is not live
        yet, so it never reads "Live since" a future day."""
        if self.status == self.Status.PLANNED:
            return "Planned to go live on"
        if self.go_live is not None and self.go_live > datetime.date.today():
            return "Goes live on"
        return "Live since"

    @property
    def go_live_prefix(self) -> str:
        """The same, before a month in a table: "Planned for Aug 2027", "From Aug 2027"."""
        return {"Planned to go live on": "Planned for", "Goes live on": "From"}.get(self.go_live_label, "")

    @property
    def provider(self):
        """Who the organisation deals with: the supplier if there is one, else the maker."""
        return self.supplier or self.product.manufacturer


class CatalogueProposal(TimeStampedModel):
    """An editor's proposal to add a supplier or product missing from the catalogue.

    Its entry exists at once, provisional for the proposing organisation (which uses it in its
    own systems and contracts, unseen by others), until a coordinator of one of that
    organisation's networks or a platform admin accepts it into the catalogue, merges it into
    an entry already there, or rejects it with a reason. Proposals are never public."""

    class Kind(models.TextChoices):
        SUPPLIER = "supplier", "Supplier"
        PRODUCT = "product", "Product"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        MERGED = "merged", "Merged into an existing entry"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="catalogue_proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The entry: the provisional one while pending, the catalogue's once accepted or merged.
    supplier = models.ForeignKey(
        "directory.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    website = models.URLField(blank=True)
    note = models.TextField(blank=True, help_text="Why it is needed, or how to tell it apart.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, help_text="Why it was rejected, for the proposer.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name} proposed by {self.organisation}"

    @property
    def entry(self):
        return self.product if self.kind == self.Kind.PRODUCT else self.supplier

    def get_absolute_url(self):
        return reverse("inventory:catalogue_proposal", args=[self.pk])
