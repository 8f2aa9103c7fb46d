"""The directory owns who is who: networks, the public bodies in them, and suppliers.

It may import from core only. Every other domain app may import from it."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from citytools.core.models import TimeStampedModel


class Network(TimeStampedModel):
    """A group of organisations that share their map with each other, such as London boroughs."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    visibility = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Who may see each kind of information about this network's organisations, where it "
            "differs from the defaults in citytools.accounts.rules: {kind: 'public' | 'members'}."
        ),
    )
    organisations = models.ManyToManyField(
        "Organisation", through="NetworkMembership", related_name="networks"
    )
    review_months = models.PositiveSmallIntegerField(
        default=6,
        help_text=(
            "How often each record must be confirmed, in months: older confirmations make it "
            "stale and break its quality seal (citytools.freshness)."
        ),
    )
    # Visibility settings decide what outsiders see, so every change to them is kept.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def in_network(self, network):
        return self.filter(memberships__network=network)


class Organisation(TimeStampedModel):
    """A public body. UK local authorities are identified by their GSS code."""

    slug = models.SlugField(unique=True, max_length=100)
    name = models.CharField(max_length=200, help_text="The official name.")
    short_name = models.CharField(max_length=100, help_text="The name people use, e.g. 'Camden'.")
    identifier_scheme = models.CharField(
        max_length=20, default="GB-GSS", help_text="Scheme of the identifier, e.g. GB-GSS."
    )
    identifier = models.CharField(max_length=40, unique=True, help_text="e.g. the GSS code E09000007.")
    registry_code = models.CharField(
        max_length=10, blank=True, help_text="Three-letter code in the local-authority register."
    )
    kind = models.CharField(max_length=100, help_text="e.g. London borough, Metropolitan district.")
    region = models.CharField(max_length=100, blank=True)
    nation = models.CharField(max_length=100, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    alternative_names = models.TextField(
        blank=True, help_text="Other names people search by, one per line."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="Set when the body was abolished.")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("directory:organisation", args=[self.slug])


class OrganisationAlias(TimeStampedModel):
    """A name a person said means an organisation ("LB Camden Children's Services"), remembered
    so that every later import recognises it (citytools.directory.matching)."""

    key = models.CharField(max_length=300, unique=True, help_text="The name's matching key.")
    name = models.CharField(max_length=300, help_text="The name as it was first seen.")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class NetworkMembership(TimeStampedModel):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.organisation} in {self.network}"


class CatalogueQuerySet(models.QuerySet):
    """Suppliers and products: the catalogue, and entries an organisation has proposed.

    A proposed entry (citytools.inventory.catalogue_services) is the proposing organisation's own until
    a coordinator or platform admin accepts it: `objects` (the catalogue everyone reads) leaves
    it out, and `entries.visible_to(viewer)` adds it for that organisation's members."""

    def accepted(self):
        return self.filter(provisional_for__isnull=True)

    def usable_by(self, organisation_id):
        """What an organisation's systems and contracts may name: the catalogue, and the
        entries it proposed itself."""
        return self.filter(models.Q(provisional_for__isnull=True) | models.Q(provisional_for=organisation_id))

    def usable_entry(self, value, organisation_id):
        """The entry `value` names (an entry, or its slug) if the organisation may use it,
        else None. An entry already in hand is checked as it is, without a query (a batch of
        thousands of rows reads each entry once)."""
        if isinstance(value, self.model):
            return value if value.pk is not None and value.provisional_for_id in (None, organisation_id) else None
        return self.usable_by(organisation_id).filter(slug=value).first() if value else None

    def visible_to(self, viewer):
        if viewer.is_admin:
            return self.all()
        return self.filter(
            models.Q(provisional_for__isnull=True)
            | models.Q(provisional_for__in=list(viewer.grants.staff_organisations))
        )


class AcceptedManager(models.Manager.from_queryset(CatalogueQuerySet)):
    def get_queryset(self):
        return super().get_queryset().accepted()


class CatalogueEntry(TimeStampedModel):
    """A supplier or product of the catalogue, or one an organisation proposed that nobody has
    accepted yet (citytools.inventory's CatalogueProposal): the proposing organisation uses it
    at once, and nobody else sees it until a coordinator or admin accepts it."""

    provisional_for = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Proposed by this organisation and not yet accepted: only its members see it.",
    )

    # The catalogue (accepted entries) by default; `entries` holds proposed ones too.
    objects = AcceptedManager()
    entries = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]
        base_manager_name = "entries"


class Supplier(CatalogueEntry):
    """A company that makes or sells technology. Products name their manufacturer; systems
    name the supplier that sells or runs them when that is a different company."""

    slug = models.SlugField(unique=True, max_length=100)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
        help_text="The parent company, where this supplier belongs to a group.",
    )
    is_sme = models.BooleanField(
        null=True, blank=True, help_text="Small or medium-sized enterprise; blank when unknown."
    )
    company_number = models.CharField(max_length=20, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:supplier", args=[self.slug])
