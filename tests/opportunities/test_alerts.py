"""The alert services (citytools.opportunities.alerts): saving and stopping a subscription,
bad input named by field, who is refused, and calendar addresses."""

import pytest

from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError, Forbidden
from citytools.opportunities import alerts
from citytools.opportunities.models import CalendarFeed, Subscription
from tests.opportunities.alerts_world import NOON, world  # noqa: F401  (a fixture)


def test_a_member_subscribes_and_changes_their_alerts(world):
    saved = world.subscribe("member", frequency="daily", peer_areas=["housing"], horizon_days="365")
    assert (saved.frequency, saved.own_contracts, saved.opportunities, saved.horizon_days) == ("daily", True, True, 365)
    assert [a.slug for a in saved.peer_areas.all()] == ["housing"]
    changed = world.subscribe("member", frequency="weekly", own_contracts=False, peer_areas=["waste", "waste"])
    assert changed.pk == saved.pk
    assert Subscription.objects.count() == 1
    changed.refresh_from_db()
    assert (changed.frequency, changed.own_contracts, changed.horizon_days) == ("weekly", False, 180)
    assert [a.slug for a in changed.peer_areas.all()] == ["waste"]


def test_a_coordinator_may_subscribe(world):
    assert world.subscribe("coordinator", own_contracts=False, opportunities=False, peer_areas=["housing"]).pk


def test_changing_the_settings_keeps_what_the_digests_recorded(world):
    subscription = world.subscribe("member")
    alerts.claim(subscription, now=NOON)
    alerts.record_sent(subscription, now=NOON, keys=["contract:1:2025-07-15"])
    world.subscribe("member", frequency="daily")
    subscription.refresh_from_db()
    assert subscription.last_checked_at == NOON and subscription.last_sent_at == NOON
    assert subscription.sent_keys == ["contract:1:2025-07-15"]


@pytest.mark.parametrize("role", ["vendor", "admin"])
def test_people_with_nothing_of_their_own_to_watch_may_not_subscribe(world, role):
    with pytest.raises(Forbidden):
        world.subscribe(role)
    assert not Subscription.objects.exists()


def test_the_public_may_not_subscribe(world):
    with pytest.raises(Forbidden):
        alerts.save_subscription(actor=world.user("member"), viewer=Viewer.public())


def test_nobody_subscribes_someone_else(world):
    with pytest.raises(Forbidden):
        alerts.save_subscription(actor=world.user("peer_member"), viewer=world.viewer("member"))
    with pytest.raises(Forbidden):
        alerts.cancel_subscription(actor=world.user("peer_member"), viewer=world.viewer("member"))
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"frequency": "hourly"}, "frequency"),
        ({"frequency": ""}, "frequency"),
        ({"own_contracts": "yes"}, "own_contracts"),
        ({"opportunities": None}, "opportunities"),
        ({"horizon_days": 0}, "horizon_days"),
        ({"horizon_days": 1000}, "horizon_days"),
        ({"horizon_days": "soon"}, "horizon_days"),
        ({"peer_areas": ["no-such-area"]}, "peer_areas"),
        ({"peer_areas": "housing"}, "peer_areas"),
        ({"peer_areas": [3]}, "peer_areas"),
        ({"peer_areas": ["group"]}, "peer_areas"),
        ({"peer_areas": ["waste"] * 201}, "peer_areas"),
        ({"own_contracts": False, "opportunities": False, "peer_areas": []}, "own_contracts"),
    ],
)
def test_bad_input_is_refused_naming_its_field_and_nothing_is_saved(world, settings, field):
    if settings.get("peer_areas") == ["group"]:
        settings = {"peer_areas": [world.housing.parent.slug]}
    with pytest.raises(DomainError) as refused:
        world.subscribe("member", **settings)
    assert refused.value.field == field
    assert not Subscription.objects.exists()


def test_stopping_alerts_deletes_the_subscription(world):
    world.subscribe("member")
    assert alerts.cancel_subscription(actor=world.user("member"), viewer=world.viewer("member")) is True
    assert alerts.cancel_subscription(actor=world.user("member"), viewer=world.viewer("member")) is False
    assert alerts.subscription_of(world.user("member")) is None


def test_only_one_of_two_runs_claims_a_due_subscription(world):
    subscription = world.subscribe("member")
    stale = Subscription.objects.get(pk=subscription.pk)
    assert alerts.claim(subscription, now=NOON) is True
    assert alerts.claim(stale, now=NOON) is False
    alerts.release(stale, now=NOON)  # releasing puts back what the claim replaced
    assert Subscription.objects.get().last_checked_at is None


# Calendar addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "editor", "admin"])
def test_staff_and_admins_create_and_replace_the_calendar_address(world, role):
    own = world.cast.own
    assert alerts.calendar_feed_of(own, viewer=world.viewer(role)) is None
    first = alerts.replace_calendar_token(own, actor=world.user(role), viewer=world.viewer(role)).token
    assert alerts.calendar_feed_of(own, viewer=world.viewer(role)).token == first
    second = alerts.replace_calendar_token(own, actor=world.user(role), viewer=world.viewer(role)).token
    assert second != first and len(second) >= 32
    assert alerts.feed_by_token(first) is None
    assert alerts.feed_by_token(second).organisation == own
    assert CalendarFeed.objects.count() == 1


@pytest.mark.parametrize("role", ["peer_member", "other_editor", "coordinator", "vendor"])
def test_nobody_else_sees_or_replaces_an_organisations_calendar_address(world, role):
    own = world.cast.own
    alerts.replace_calendar_token(own, actor=world.user("editor"), viewer=world.viewer("editor"))
    token = CalendarFeed.objects.get().token
    with pytest.raises(Forbidden):
        alerts.calendar_feed_of(own, viewer=world.viewer(role))
    with pytest.raises(Forbidden):
        alerts.replace_calendar_token(own, actor=world.user(role), viewer=world.viewer(role))
    assert CalendarFeed.objects.get().token == token


@pytest.mark.parametrize("token", ["", "x" * 65, "not-a-token"])
def test_a_wrong_token_names_no_feed(world, token):
    alerts.replace_calendar_token(world.cast.own, actor=world.user("editor"), viewer=world.viewer("editor"))
    assert alerts.feed_by_token(token) is None
