"""Opportunities owns what comes of contracts ending together: joint procurement initiatives
(who was invited, what each answered, notes, target dates, the outcome), members' alert
subscriptions, and each organisation's private calendar feed token.

The opportunity finder itself (citytools.opportunities.finder) is pure and stores nothing:
an opportunity is worked out from contracts whenever it is asked for. It may import from
core, directory, accounts, inventory, contracts, freshness, market, partnering and
satisfaction only.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from citytools.core.models import TimeStampedModel


class InitiativeStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROCURED = "procured", "Procured jointly"
    NOT_PURSUED = "not_pursued", "Not pursued"


class Answer(models.TextChoices):
    PENDING = "pending", "Not answered yet"
    INTERESTED = "interested", "Interested"
    NOT_NOW = "not_now", "Not now"
    DECLINED = "declined", "Declined"


class Initiative(TimeStampedModel):
    """A joint procurement some organisations are considering, started from an opportunity."""

    title = models.CharField(max_length=200)
    service_area = models.ForeignKey("inventory.ServiceArea", on_delete=models.PROTECT, related_name="initiatives")
    product = models.ForeignKey("inventory.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("directory.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="led_initiatives",
        help_text="The organisation that started it.",
    )
    window_start = models.DateField(help_text="The opportunity's window: when the contracts end.")
    window_end = models.DateField()
    contracts = models.ManyToManyField("contracts.Contract", blank=True, related_name="initiatives")
    decision_date = models.DateField(null=True, blank=True, help_text="When the organisations should decide.")
    target_date = models.DateField(null=True, blank=True, help_text="When a joint contract should be in place.")
    status = models.CharField(max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.OPEN)
    outcome = models.TextField(blank=True)
    savings = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    savings_currency = models.CharField(max_length=3, default="GBP")
    evidence = models.TextField(blank=True, help_text="Where the savings and the outcome can be checked.")
    challenge = models.ForeignKey(
        "partnering.Challenge", null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("opportunities:initiative", args=[self.pk])


class Invitation(TimeStampedModel):
    """An organisation asked to join an initiative, and its answer."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=20, choices=Answer.choices, default=Answer.PENDING)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__short_name"]
        constraints = [models.UniqueConstraint(fields=["initiative", "organisation"], name="one_invitation_per_organisation")]


class Note(TimeStampedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at"]


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class Subscription(TimeStampedModel):
    """What one person wants to hear about, and how often."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscription")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    own_contracts = models.BooleanField(default=True, help_text="My organisations' contracts ending.")
    peer_areas = models.ManyToManyField(
        "inventory.ServiceArea", blank=True, related_name="+", help_text="Peers' contracts ending in these service areas.",
    )
    opportunities = models.BooleanField(default=True, help_text="New opportunities that include my organisations.")
    horizon_days = models.PositiveSmallIntegerField(default=180, help_text="How far ahead a contract's end counts.")
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # When the digest was last worked out, whether or not anything new went: a subscription
    # is due again a day (daily) or a week (weekly) after it (citytools.opportunities.digests).
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # What the digests have already told this person, as keys like "contract:12:2027-03-31"
    # and "opportunity:4:12,31": a digest lists only what is not here yet, so a contract is
    # announced once (again if its end date moves) and an opportunity once (again if its
    # contracts change). See docs/alerts.md.
    sent_keys = models.JSONField(default=list, blank=True)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(TimeStampedModel):
    """An organisation's private iCalendar feed: whoever holds the address may read it, so the
    token is long and random, and an editor can replace it (the old address stops working)."""

    organisation = models.OneToOneField("directory.Organisation", on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
