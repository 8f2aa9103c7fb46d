"""Notices owns what City Tools has read from public notices (OCDS): the releases as they
were published, each contracting process compiled into the facts the map needs, the
suggestions those facts (and the rows of a network's survey or a public register) make to an
organisation's editors, the buyer names nobody could recognise yet, the sources a network
trusts, the imports run from the web, and where each harvest stopped. The map itself is
written only through citytools.inventory.services and citytools.contracts.services (and a
survey's ratings through citytools.satisfaction.services).

It may import from core, directory, accounts, inventory, contracts, freshness, market,
partnering, satisfaction and opportunities only.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from citytools.core.models import TimeStampedModel
from citytools.notices import rules


class Source(models.TextChoices):
    """Who published a notice, from its ocid's prefix (the values are the contract's own
    `Contract.Source` values, so a contract says where it came from in the same words)."""

    CONTRACTS_FINDER = "contracts_finder", "Contracts Finder"
    FIND_A_TENDER = "find_a_tender", "Find a Tender"
    OTHER = "other", "Another publisher"


class Release(models.Model):
    """One release as it was published, without the contact details of the officers it
    named. Kept so that a later release of the same process can be compiled with the earlier
    ones, and so that every fact can be traced to the releases that said it."""

    ocid = models.CharField(max_length=200, db_index=True)
    release_id = models.CharField(max_length=300)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the release in canonical form.")
    date = models.CharField(max_length=40, blank=True, help_text="The release's date as published.")
    data = models.JSONField()
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ocid", "release_id"], name="one_release_per_id")]


class NoticeQuerySet(models.QuerySet):
    def for_buyer_key(self, key: str):
        return self.filter(buyer_key=key)


class Notice(TimeStampedModel):
    """One contracting process (an ocid), compiled from its releases: who bought what from
    whom, for how much and until when, and which organisation on the map the buyer is."""

    ocid = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=30, choices=Source.choices)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the compiled release.")
    release_ids = models.JSONField(default=list)
    released = models.DateField(null=True, blank=True, help_text="The date of the latest release.")
    url = models.URLField(max_length=500, blank=True)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    buyer_name = models.CharField(max_length=300, blank=True)
    buyer_key = models.CharField(max_length=300, blank=True, db_index=True)
    buyer_identifiers = models.JSONField(default=list)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_by = models.CharField(max_length=20, blank=True)
    suppliers = models.JSONField(default=list, help_text='[{"name": ..., "identifier": ...}]')
    cpv_codes = models.JSONField(default=list)
    it = models.BooleanField(default=False, help_text="A CPV code in division 48 or 72.")
    service_area = models.ForeignKey(
        "inventory.ServiceArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area_reason = models.CharField(max_length=300, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    extension_end_date = models.DateField(null=True, blank=True)
    route = models.CharField(max_length=20, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-released", "ocid"]

    def __str__(self):
        return self.title or self.ocid


class SuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Suggestion.Status.PENDING)


class Suggestion(TimeStampedModel):
    """What one notice suggests to its organisation's editors: a new contract (and a new
    system where the organisation has none in the suggested area), or changes to a contract
    already on the map, each with the value on the map beside the notice's. Or what one row
    of another source (a network's survey, a public register) suggests: a new system, with
    its contract and a satisfaction rating where the row gives them; such a suggestion has no
    notice, and its `origin_key` and `origin_label` say where it came from instead."""

    class Kind(models.TextChoices):
        NEW = "new", "New contract"
        CHANGE = "change", "Changes to a contract"
        SYSTEM = "system", "New system"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        APPLIED = "applied", "Applied (trusted source)"
        REJECTED = "rejected", "Rejected"

    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    # For a suggestion from another source than a notice: its stable key within that source
    # ("survey:london-2026:E09000007:spydus"), the source's name as people read it ("London
    # survey 2026"), and what the records made from it keep as their provenance.
    origin_key = models.CharField(max_length=300, blank=True)
    origin_label = models.CharField(max_length=300, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The notice's facts as the suggestion offers them (field → value, in the contract's own
    # field names and as text), the supplier recognised on the map if any, and for a change
    # the map's value beside each ({field: {"map": ..., "notice": ...}}).
    facts = models.JSONField(default=dict)
    supplier = models.ForeignKey("directory.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict)
    # The digest of what the suggestion was made from: the notice's, or the other source's facts.
    notice_digest = models.CharField(max_length=64)
    contract = models.ForeignKey("contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    system = models.ForeignKey("inventory.System", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True, help_text="Why it was rejected.")

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "organisation"], name="one_suggestion_per_notice_and_organisation"),
            models.UniqueConstraint(
                fields=["organisation", "origin_key"], condition=~models.Q(origin_key=""), name="one_suggestion_per_origin_key"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.notice or self.origin_label}"

    def get_absolute_url(self):
        return reverse("notices:suggestion", args=[self.pk])


class Buyer(TimeStampedModel):
    """A buyer name that looked like a local authority but matched none on the map, or more
    than one: waiting for a coordinator to say which organisation it is, once."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting"
        LINKED = "linked", "Linked"
        DISMISSED = "dismissed", "Not an organisation on the map"

    key = models.CharField(max_length=300, unique=True)
    name = models.CharField(max_length=300)
    candidates = models.ManyToManyField("directory.Organisation", blank=True, related_name="+")
    notices = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    organisation = models.ForeignKey("directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-notices", "name"]

    def __str__(self):
        return self.name


class TrustedSource(TimeStampedModel):
    """A network trusts a publisher: its notices' facts go on its members' maps at once
    (still with their provenance, and unconfirmed) instead of waiting in the review queue."""

    network = models.ForeignKey("directory.Network", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=30, choices=Source.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "source"], name="one_trust_per_network_and_source")]


class Import(TimeStampedModel):
    """An import run from the web: the uploaded file (or a harvest), run by the worker, with
    how far it has got and what it found."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    network = models.ForeignKey("directory.Network", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    content = models.BinaryField(blank=True)
    harvest = models.CharField(max_length=30, blank=True, help_text="The harvested source, for a harvest.")
    since = models.DateField(
        null=True, blank=True, help_text="For a harvest: start afresh from this day rather than where the last stopped."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0, help_text="Releases read so far.")
    summary = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename or self.harvest_name

    @property
    def harvest_name(self) -> str:
        """The harvested publisher's name ("Contracts Finder"), or "" for an upload."""
        return rules.HARVEST_NAMES.get(self.harvest, self.harvest)

    def get_absolute_url(self):
        return reverse("notices:import", args=[self.pk])


class Harvest(TimeStampedModel):
    """Where the harvest of one publisher's API stopped: the next page to ask for."""

    source = models.CharField(max_length=30, unique=True)
    next_url = models.URLField(max_length=2000, blank=True)
    since = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    releases = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)


class AreaHint(TimeStampedModel):
    """The words or CPV code that suggest a service area, as coordinators have edited the
    mapping that ships with the project (data/service_area_hints.csv). Empty until the first
    edit, and the shipped mapping holds until then (citytools.notices.queries.area_hints)."""

    class Kind(models.TextChoices):
        WORDS = "words", "Words in the title or description"
        CPV = "cpv", "A CPV code (and the codes under it)"

    area = models.ForeignKey("inventory.ServiceArea", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    hint = models.CharField(max_length=200)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["area__name", "kind", "hint"]
        constraints = [models.UniqueConstraint(fields=["area", "kind", "hint"], name="one_hint_per_area")]

    def __str__(self):
        return self.hint
