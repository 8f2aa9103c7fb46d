"""The only code that writes alert subscriptions and calendar feeds. The /alerts/ page, the
API (/api/v1/alerts), the digest task and the calendar page call these.

Each writer takes the acting person (`actor`) and their Viewer (`viewer`), checks with
citytools.opportunities.alert_rules that they may act, and raises a DomainError naming the
field when the input is wrong, before anything is written. A person only ever changes their
own subscription: there is no argument naming someone else's.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import Organisation
from citytools.inventory.models import ServiceArea
from citytools.opportunities import alert_rules
from citytools.opportunities.models import CalendarFeed, Frequency, Subscription, new_calendar_token

MAX_PEER_AREAS = 200

NOT_ALLOWED = "Alerts are for staff of an organisation and coordinators of a network."


# Subscriptions -------------------------------------------------------------------------------


def subscription_of(user) -> Subscription | None:
    if user is None or not user.is_authenticated:
        return None
    return Subscription.objects.filter(user=user).prefetch_related("peer_areas").first()


def _frequency(value) -> str:
    if value not in Frequency.values:
        raise DomainError("Choose daily or weekly.", field="frequency")
    return value


def _flag(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError("Answer yes (true) or no (false).", field=field)
    return value


def _areas(values) -> list[ServiceArea]:
    """Service areas by slug (or as loaded areas): areas, not groups of them."""
    if values is None:
        return []
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise DomainError("Give a list of service areas.", field="peer_areas")
    values = list(values)
    if len(values) > MAX_PEER_AREAS:
        raise DomainError(f"Choose at most {MAX_PEER_AREAS} service areas.", field="peer_areas")
    slugs = [v.slug if isinstance(v, ServiceArea) else v for v in values]
    if any(not isinstance(slug, str) for slug in slugs):
        raise DomainError("Name each service area by its slug.", field="peer_areas")
    found = {area.slug: area for area in ServiceArea.objects.filter(slug__in=slugs)}
    for slug in slugs:
        area = found.get(slug)
        if area is None:
            raise DomainError(f"There is no service area {slug!r}.", field="peer_areas")
        if area.is_group:
            raise DomainError(f"{area.name} is a group of service areas: choose the areas in it.", field="peer_areas")
    return list({slug: found[slug] for slug in slugs}.values())


def _lock_subscriptions_of(person) -> None:
    """Make every other save or cancelling of `person`'s subscription wait until this
    transaction ends. The person's row is locked, as the partnering services lock the
    challenge before its proposals: someone without a subscription has no row to lock, and two
    saves at once would both create one (a unique violation on PostgreSQL)."""
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()


@transaction.atomic
def save_subscription(
    *, actor, viewer, frequency=Frequency.WEEKLY, own_contracts=True, peer_areas=(), opportunities=True,
    horizon_days=180,
) -> Subscription:
    """Create or change `actor`'s subscription. At least one kind of alert must be chosen:
    to stop them all, cancel_subscription."""
    if viewer.user is None or viewer.user.pk != actor.pk:
        raise Forbidden("A person changes only their own alerts.")
    if not alert_rules.may_subscribe(viewer.grants):
        raise Forbidden(NOT_ALLOWED)
    fields = {
        "frequency": _frequency(frequency),
        "own_contracts": _flag(own_contracts, "own_contracts"),
        "opportunities": _flag(opportunities, "opportunities"),
        "horizon_days": alert_rules.clean_horizon(horizon_days),
    }
    areas = _areas(peer_areas)
    if not (fields["own_contracts"] or fields["opportunities"] or areas):
        raise DomainError(
            "Choose at least one kind of alert, or stop your alerts instead.", field="own_contracts"
        )
    _lock_subscriptions_of(actor)
    subscription = Subscription.objects.filter(user=actor).first()
    if subscription is None:
        subscription = Subscription.objects.create(user=actor, **fields)
    else:
        for name, value in fields.items():
            setattr(subscription, name, value)
        # Only the settings: the digest task writes the rest (last_checked_at, sent_keys) at
        # the same time, and must not be undone by a stale copy.
        subscription.save(update_fields=[*fields, "updated_at"])
    subscription.peer_areas.set(areas)
    return subscription


@transaction.atomic
def cancel_subscription(*, actor, viewer) -> bool:
    """Stop every alert e-mail to `actor`; False when there was nothing to stop. Anyone signed
    in may stop their own, even after losing the role that let them subscribe."""
    if viewer.user is None or viewer.user.pk != actor.pk:
        raise Forbidden("A person changes only their own alerts.")
    _lock_subscriptions_of(actor)
    deleted, _ = Subscription.objects.filter(user=actor).delete()
    return bool(deleted)


# The digest task's writes ---------------------------------------------------------------------


def claim(subscription: Subscription, *, now: datetime.datetime) -> bool:
    """Mark `subscription` as worked out at `now`, unless another run did since it was read:
    of two workers that find it due, only one claims it and sends its digest."""
    claimed = Subscription.objects.filter(pk=subscription.pk, last_checked_at=subscription.last_checked_at).update(
        last_checked_at=now
    )
    return bool(claimed)


def release(subscription: Subscription, *, now: datetime.datetime) -> None:
    """Undo the claim made at `now` when its digest could not be sent, so the next run tries
    again (`subscription` still holds the time it was worked out before)."""
    Subscription.objects.filter(pk=subscription.pk, last_checked_at=now).update(
        last_checked_at=subscription.last_checked_at
    )


def record_sent(subscription: Subscription, *, now: datetime.datetime, keys: list[str]) -> None:
    """A digest went at `now`, listing what `keys` name (everything current, old and new)."""
    Subscription.objects.filter(pk=subscription.pk).update(last_sent_at=now, sent_keys=sorted(keys))
    subscription.last_sent_at, subscription.sent_keys = now, sorted(keys)


# Calendar feeds -------------------------------------------------------------------------------


def calendar_feed_of(organisation, *, viewer) -> CalendarFeed | None:
    """The organisation's feed, for someone who may manage it; None when it has none yet."""
    if not alert_rules.may_manage_calendar(viewer.grants, organisation=organisation.pk):
        raise Forbidden("Only the organisation's own staff see its calendar address.")
    return CalendarFeed.objects.filter(organisation=organisation).first()


@transaction.atomic
def replace_calendar_token(organisation, *, actor, viewer) -> CalendarFeed:
    """Give the organisation a calendar address, or a new one: the old address stops working
    at once (for when it was shared too widely)."""
    if not alert_rules.may_manage_calendar(viewer.grants, organisation=organisation.pk):
        raise Forbidden("Only the organisation's own staff set up its calendar address.")
    # Lock the organisation: one without a feed has no feed row to lock (see
    # _lock_subscriptions_of).
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    feed = CalendarFeed.objects.filter(organisation=organisation).first()
    if feed is None:
        return CalendarFeed.objects.create(organisation=organisation)
    feed.token = new_calendar_token()
    feed.save(update_fields=["token", "updated_at"])
    return feed


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a calendar address names; None for a wrong or replaced token."""
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("organisation").filter(token=token).first()
