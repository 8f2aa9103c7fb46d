"""Every consumer of a date survives the extremes: the first and last days the doors accept
(citytools.core.dates.EARLIEST and LATEST), and the first and last days Python knows, which
rows written before the doors had bounds may still hold.

The world is tests.test_leaks' (contracts, systems, proposals, ratings), plus a challenge
with a milestone, an initiative and a campaign. Every date a person enters is moved to one
extreme, and then every page the URL resolver knows, every GET operation of the API, the
exports, the PDFs, the calendar feed and the alert digests must answer without a server error.
"""

import datetime

import pytest
from django.utils import timezone

from citytools.contracts.models import Contract
from citytools.core.dates import EARLIEST, LATEST
from citytools.directory.models import Organisation
from citytools.freshness import services as freshness
from citytools.freshness.models import Campaign
from citytools.inventory.models import System
from citytools.opportunities.feeds import feed_ics
from citytools.opportunities.models import Initiative
from citytools.partnering.models import Challenge, Milestone, State
from tests import test_leaks
from tests.partnering.world import make_challenge
from tests.test_leaks import api_urls, client_for, fetch_all, page_urls

pytestmark = pytest.mark.django_db

# The fixtures: the leak suite's world, built once per module, and each test's rolled-back view of it.
leak_world = test_leaks.leak_world
world = test_leaks.world

EXTREMES = {
    "earliest accepted": EARLIEST,
    "latest accepted": LATEST,
    "first day Python knows": datetime.date.min,
    "last day Python knows": datetime.date.max,
}


def add_dated_records(world):
    coordinator = world.user("coordinator")
    challenge = make_challenge(owners=[world.own], steward=coordinator, state=State.PUBLISHED, title="Extreme pilot")
    Milestone.objects.create(challenge=challenge, title="First prototype", due_date=datetime.date(2026, 1, 1))
    contracts = list(Contract.objects.filter(organisation=world.own, confidential=False)[:2]) + list(
        Contract.objects.filter(organisation=world.peer)[:1]
    )
    initiative = Initiative.objects.create(
        title="Joint housing", service_area=contracts[0].systems.first().service_areas.first(), lead=world.own,
        window_start=datetime.date(2025, 7, 1), window_end=datetime.date(2026, 6, 30), created_by=world.user("editor"),
    )
    initiative.contracts.set(contracts)
    network = world.own.memberships.first().network
    freshness.create_campaign(network=network, title="Check your records", deadline=datetime.date(2025, 7, 1), actor=coordinator)


def move_every_date_to(day: datetime.date) -> None:
    """Every date a person enters, through any door, set to `day` (and every such date and
    time to noon on `day`, in UTC), the way an old row or a direct database write may hold it."""
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    Contract.objects.update(start_date=day, end_date=day, extension_end_date=day)
    System.objects.update(go_live=day)
    Organisation.objects.update(start_date=day, end_date=day)
    Initiative.objects.update(window_start=day, window_end=day, decision_date=day, target_date=day)
    Campaign.objects.update(deadline=day)
    Milestone.objects.update(due_date=day, done_at=day)
    Challenge.objects.update(
        publication_date=day, evaluation_date=day, expected_start=day, question_deadline=moment,
        submission_deadline=moment,
    )


def near(day: datetime.date) -> datetime.datetime:
    """Noon a few weeks before `day`."""
    return datetime.datetime.combine(day - datetime.timedelta(days=30), datetime.time(12), tzinfo=datetime.UTC)


# An editor reads every page the public reads, with every date the public is shown and more
# (values, member-only pages), and a coordinator the network's own pages besides; so the
# public's crawl would only repeat theirs.
@pytest.mark.parametrize("day", EXTREMES.values(), ids=EXTREMES.keys())
@pytest.mark.parametrize("role", ["editor", "coordinator"])
def test_every_page_and_api_answers_with_dates_at_the_extremes(world, day, role):
    add_dated_records(world)
    move_every_date_to(day)
    client = client_for(world, role)
    bodies = fetch_all(client, page_urls() + api_urls(client))
    assert len(bodies) > 40


@pytest.mark.parametrize("day", EXTREMES.values(), ids=EXTREMES.keys())
def test_the_calendar_feed_answers_with_dates_at_the_extremes(world, day):
    move_every_date_to(day)
    # Seen from today, and from a day near an accepted extreme, when the feed lists the contracts.
    for now in (timezone.now(), *([near(day)] if EARLIEST <= day <= LATEST else [])):
        text = feed_ics(world.own, now=now).decode()
        assert "BEGIN:VCALENDAR" in text
        listed = day >= timezone.localdate(now) - datetime.timedelta(days=365)
        assert (f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in text) == listed


def test_the_calendar_feed_of_a_contract_ending_in_9999_answers_through_its_address(world):
    """Issue 14, item 4: one such contract broke the feed for every subscriber."""
    from citytools.accounts.viewer import Viewer
    from citytools.opportunities.alerts import replace_calendar_token

    editor = world.user("editor")
    feed = replace_calendar_token(world.own, actor=editor, viewer=Viewer.for_user(editor))
    Contract.objects.filter(organisation=world.own, confidential=False).update(end_date=datetime.date(9999, 12, 31))
    response = client_for(world, "public").get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert "DTSTART;VALUE=DATE:99991231" in response.content.decode()


@pytest.mark.parametrize("day", EXTREMES.values(), ids=EXTREMES.keys())
def test_background_work_survives_dates_at_the_extremes(world, day, mailoutbox):
    """The worker's periodic jobs: campaign reminders, alert digests, challenge deadlines."""
    from citytools.accounts.viewer import Viewer
    from citytools.freshness.services import launch_campaign, send_due_reminders
    from citytools.opportunities.alerts import save_subscription
    from citytools.opportunities.digests import send_due
    from citytools.partnering.lifecycle import advance_due

    add_dated_records(world)
    campaign = Campaign.objects.get()
    launch_campaign(campaign, actor=world.user("coordinator"))
    editor = world.user("editor")
    save_subscription(actor=editor, viewer=Viewer.for_user(editor), frequency="daily", horizon_days=365)
    move_every_date_to(day)
    # Seen from today, and from a day near an accepted extreme (no clock reads 9999).
    for now in (timezone.now(), *([near(day)] if EARLIEST <= day <= LATEST else [])):
        assert send_due_reminders(now=now).failed == 0
        assert send_due(now=now).failed == 0
        advance_due(now=now)
    # A deadline in the past closes the campaign the day after.
    assert (Campaign.objects.get().status == "closed") == (day < timezone.localdate())
