"""Satisfaction owns what members think of the systems they use: one current rating per
organisation and system (with its history), and shared pain points with suppliers, the
"we have this too" of other organisations, and the supplier's public right of reply.

A pain point is a problem a borough has with a supplier; it is not an Invitation to Partner
challenge, though one shared by several organisations can start a joint one (the link is
kept here). It may import from core, directory, accounts, inventory, contracts, freshness,
market and partnering only.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from citytools.core.models import TimeStampedModel

# The dimensions every rating may score besides the overall score (issue: ratings).
DIMENSIONS = (
    ("functionality", "Functionality"),
    ("usability", "Usability"),
    ("support", "Support and responsiveness"),
    ("value", "Value for money"),
    ("interoperability", "Interoperability and data access"),
    ("modern_working", "Support for modern ways of working"),
)
DIMENSION_NAMES = tuple(name for name, _ in DIMENSIONS)
ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def _score(label: str, *, required: bool = False):
    return models.PositiveSmallIntegerField(
        label, null=not required, blank=not required, validators=ONE_TO_FIVE
    )


class Rating(TimeStampedModel):
    """An organisation's current rating of one of its systems. Changing it keeps the earlier
    one in the history, which is what satisfaction over time is drawn from."""

    system = models.OneToOneField("inventory.System", on_delete=models.CASCADE, related_name="rating")
    # The system's organisation, kept here so that visibility filters need no join.
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="ratings")
    overall = _score("Overall", required=True)
    functionality = _score("Functionality")
    usability = _score("Usability")
    support = _score("Support and responsiveness")
    value = _score("Value for money")
    interoperability = _score("Interoperability and data access")
    modern_working = _score("Support for modern ways of working")
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(overall__gte=1, overall__lte=5), name="rating_overall_1_to_5"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"rating_{name}_1_to_5",
                )
                for name in DIMENSION_NAMES
            ),
        ]

    def __str__(self):
        return f"{self.organisation} rates {self.system.product}: {self.overall}/5"


class Severity(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical"


class PainPointStatus(models.TextChoices):
    OPEN = "open", "Open"
    RAISED = "raised", "Raised with supplier"
    RESPONDED = "responded", "Supplier responded"
    RESOLVED = "resolved", "Resolved"


class PainPoint(TimeStampedModel):
    """A problem members have with a supplier or one of its products."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    tags = models.JSONField(default=list, blank=True)
    supplier = models.ForeignKey("directory.Supplier", on_delete=models.PROTECT, related_name="pain_points")
    product = models.ForeignKey(
        "inventory.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="pain_points"
    )
    # The organisation that raised it; others join through PainPointShare.
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="pain_points")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=PainPointStatus.choices, default=PainPointStatus.OPEN)
    status_changed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    challenge = models.ForeignKey(
        "partnering.Challenge", null=True, blank=True, on_delete=models.SET_NULL, related_name="pain_points",
        help_text="The joint Invitation to Partner this pain point started.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-severity", "-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("satisfaction:pain_point", args=[self.pk])


class PainPointShare(TimeStampedModel):
    """Another organisation saying "we have this too"."""

    pain_point = models.ForeignKey(PainPoint, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["pain_point", "organisation"], name="one_share_per_organisation")]


class PainPointReply(TimeStampedModel):
    """The supplier's public right of reply."""

    pain_point = models.ForeignKey(PainPoint, on_delete=models.CASCADE, related_name="replies")
    supplier = models.ForeignKey("directory.Supplier", on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at"]
