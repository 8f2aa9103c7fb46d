"""Alert digests (citytools.opportunities.digests): what each reader is told, only what they
may see, only what is new, when it is due, and the task and command that send them."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from citytools.opportunities import alerts, digests
from citytools.opportunities.digests import build_digest, render_digest, send_due
from citytools.opportunities.models import Subscription
from citytools.opportunities.tasks import send_digests
from tests.factories import ContractFactory, RoleFactory, SystemFactory, UserFactory
from tests.opportunities.alerts_world import CONFIDENTIAL, NOON, PEER_VALUE, RETIRED, days, world  # noqa: F401

YEAR = {"horizon_days": 365}


def titles(lines) -> list[str]:
    return [line.title for line in lines]


def email_text(digest) -> str:
    subject, text, html = render_digest(digest)
    return f"{subject}\n{text}\n{html}"


# Contents and visibility ---------------------------------------------------------------------


def test_a_members_digest_lists_their_contracts_their_peers_and_the_opportunity(world):
    world.subscribe("member", peer_areas=["housing"], **YEAR)
    digest = build_digest(world.user("member"), now=NOON)
    # Their own contracts ending within a year, their confidential one too; never a retired one.
    assert titles(digest.own) == ["Own waste", "Own housing", "Zephyrquartz renewal"]
    assert digest.own[0].extension_end_date == days(120)
    # Other organisations' contracts in housing: not their own again, not a peer's confidential one.
    assert titles(digest.peers) == ["Stranger housing", "Peer housing"]
    values = {line.title: line.annual_value for line in digest.peers}
    # A member of the same network sees the peer's value; stranger's (another network) is members' only.
    assert values == {"Peer housing": 918273, "Stranger housing": None}
    assert [line.area for line in digest.opportunities] == ["Housing management"]
    opportunity = digest.opportunities[0]
    assert opportunity.organisations == sorted([world.cast.own.name, world.cast.peer.name, world.cast.stranger.name])
    assert opportunity.contracts == 4  # own's two, peer's and stranger's: not peer's confidential one
    text = email_text(digest)
    assert "£918,273 a year" in text and "Zephyrquartz renewal" in text
    assert not [marker for marker in ["Quokkaflan", *RETIRED] if marker in text]
    assert "/alerts/" in text and "http" in text


def test_the_horizon_decides_which_contracts_count(world):
    world.subscribe("member", opportunities=False)  # 180 days by default
    digest = build_digest(world.user("member"), now=NOON)
    assert titles(digest.own) == ["Own waste"] and digest.peers == []


def test_an_outsiders_digest_holds_no_confidential_contract_and_no_member_only_value(world):
    """The editor of `stranger`, in another network, watching housing: they see that the
    north's contracts end (end dates are public), but not their values, and nothing
    confidential of anyone else."""
    world.subscribe("other_editor", peer_areas=["housing", "waste"], **YEAR)
    digest = build_digest(world.user("other_editor"), now=NOON)
    assert titles(digest.own) == ["Stranger housing"]
    assert digest.own[0].annual_value == 7364519  # their own value
    assert titles(digest.peers) == ["Own waste", "Own housing", "Peer housing"]
    assert all(line.annual_value is None for line in digest.peers)
    text = email_text(digest)
    assert not [marker for marker in [*CONFIDENTIAL, *PEER_VALUE, *RETIRED] if marker in text]
    for opportunity in digest.opportunities:
        assert opportunity.contracts == 3  # own's, peer's and stranger's public contracts only


def test_a_coordinator_is_told_about_the_areas_they_watch(world):
    world.subscribe("coordinator", peer_areas=["housing"], **YEAR)
    digest = build_digest(world.user("coordinator"), now=NOON)
    # A coordinator is staff of no organisation: every contract is another's, and those of
    # the network they coordinate include its confidential ones.
    assert set(titles(digest.peers)) == {
        "Own housing", "Zephyrquartz renewal", "Quokkaflan pilot", "Peer housing", "Stranger housing",
    }
    assert digest.own == [] and digest.opportunities == []


def test_someone_with_nothing_new_gets_no_digest(world):
    # Peer's contracts end in 315 and 330 days: beyond the default 180.
    world.subscribe("peer_member", opportunities=False)
    assert build_digest(world.user("peer_member"), now=NOON) is None
    assert build_digest(world.user("editor"), now=NOON) is None  # no subscription at all


def test_nothing_is_told_twice_but_a_new_or_moved_contract_is(world):
    subscription = world.subscribe("member", peer_areas=["housing"], **YEAR)
    first = build_digest(world.user("member"), now=NOON)
    alerts.record_sent(subscription, now=NOON, keys=first.keys)
    later = NOON + datetime.timedelta(days=1)
    assert build_digest(world.user("member"), now=later) is None
    # A new contract of a peer in housing, and own's waste contract ending later than it did.
    system = SystemFactory(organisation=world.cast.peer, service_areas=[world.housing])
    ContractFactory(organisation=world.cast.peer, title="Peer housing, phase two", systems=[system], end_date=days(200))
    own_waste = world.contracts["own_waste"]
    own_waste.end_date = days(60)
    own_waste.save()
    second = build_digest(world.user("member"), now=later)
    assert titles(second.peers) == ["Peer housing, phase two"]
    assert titles(second.own) == ["Own waste"] and second.own[0].end_date == days(60)


def test_an_opportunity_is_new_again_when_its_contracts_change(world):
    subscription = world.subscribe("member", own_contracts=False, **YEAR)
    first = build_digest(world.user("member"), now=NOON)
    assert len(first.opportunities) == 1 and first.own == first.peers == []
    alerts.record_sent(subscription, now=NOON, keys=first.keys)
    assert build_digest(world.user("member"), now=NOON) is None
    system = SystemFactory(organisation=world.cast.peer, service_areas=[world.housing])
    ContractFactory(organisation=world.cast.peer, title="Peer housing annex", systems=[system], end_date=days(325))
    again = build_digest(world.user("member"), now=NOON)
    assert len(again.opportunities) == 1
    assert again.opportunities[0].contracts == first.opportunities[0].contracts + 1


def test_someone_who_lost_their_role_gets_nothing(world):
    world.subscribe("peer_member", peer_areas=["housing"], **YEAR)
    world.user("peer_member").roles.all().delete()
    assert build_digest(world.user("peer_member"), now=NOON) is None


def test_an_inactive_account_gets_nothing(world):
    world.subscribe("member", **YEAR)
    user = world.user("member")
    user.is_active = False
    user.save()
    assert build_digest(user, now=NOON) is None


# When a digest is due, and sending ----------------------------------------------------------------


def test_a_daily_digest_goes_once_a_day(world, mailoutbox):
    world.subscribe("member", frequency="daily", **YEAR)
    assert send_due(NOON).sent == 1
    assert send_due(NOON + datetime.timedelta(hours=10)).checked == 0  # 23:00 in London: the same day
    assert len(mailoutbox) == 1
    subscription = Subscription.objects.get()
    assert subscription.last_sent_at == NOON and subscription.last_checked_at == NOON
    # The next day it is due again, but nothing is new: checked, not sent.
    tomorrow = NOON + datetime.timedelta(days=1)
    run = send_due(tomorrow)
    assert (run.checked, run.sent) == (1, 0)
    subscription.refresh_from_db()
    assert subscription.last_checked_at == tomorrow and subscription.last_sent_at == NOON
    # Something new the day after: it goes.
    ContractFactory(organisation=world.cast.own, title="Own new", end_date=days(90))
    assert send_due(tomorrow + datetime.timedelta(days=1)).sent == 1
    assert [m.subject for m in mailoutbox] == ["City Tools alerts: 3 of your contracts ending, 1 new opportunity", "City Tools alerts: 1 of your contracts ending"]


def test_a_weekly_digest_waits_a_week(world, mailoutbox):
    world.subscribe("member", **YEAR)
    assert send_due(NOON).sent == 1
    ContractFactory(organisation=world.cast.own, title="Own new", end_date=days(90))
    assert send_due(NOON + datetime.timedelta(days=6, hours=23)).checked == 0
    assert send_due(NOON + datetime.timedelta(days=7)).sent == 1
    assert len(mailoutbox) == 2 and "Own new" in mailoutbox[1].body


def test_the_task_sends_each_due_digest_by_email_once(world, mailoutbox):
    world.subscribe("member", peer_areas=["housing"], **YEAR)
    world.subscribe("other_editor", peer_areas=["housing"], **YEAR)
    world.subscribe("peer_member", opportunities=False)  # nothing new for them
    result = send_digests.enqueue()  # the test settings run tasks at once
    assert result.return_value == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["member@example.org", "other_editor@example.org"]
    outsider = next(m for m in mailoutbox if m.to == ["other_editor@example.org"])
    html = outsider.alternatives[0][0]
    assert outsider.alternatives[0][1] == "text/html"
    for body in (outsider.body, html):
        assert "Peer housing" in body
        assert not [marker for marker in [*CONFIDENTIAL, *PEER_VALUE] if marker in body]
    assert send_digests.enqueue().return_value == 0
    with time_machine.travel(NOON + datetime.timedelta(days=7), tick=False):
        assert send_digests.enqueue().return_value == 0  # due again, but nothing is new
    assert len(mailoutbox) == 2


def test_a_digest_that_could_not_be_sent_is_tried_again(world, mailoutbox, monkeypatch):
    world.subscribe("member", **YEAR)

    def refused(digest):
        raise OSError("the mail server is down")

    with monkeypatch.context() as patched:
        patched.setattr(digests, "send_digest", refused)
        run = send_due(NOON)
    assert (run.sent, run.failed) == (0, 1)
    assert Subscription.objects.get().last_checked_at is None
    assert send_due(NOON + datetime.timedelta(minutes=1)).sent == 1
    assert len(mailoutbox) == 1


def test_someone_whose_address_is_empty_gets_nothing(world, mailoutbox):
    user = UserFactory(email="")
    RoleFactory(user=user, kind="member", organisation=world.cast.own)
    from citytools.accounts.viewer import Viewer

    alerts.save_subscription(actor=user, viewer=Viewer.for_user(user), **YEAR)
    assert send_due(NOON).sent == 0 and mailoutbox == []


# The command ----------------------------------------------------------------------------------


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


def test_the_command_sends_what_is_due_and_a_dry_run_sends_nothing(world, mailoutbox):
    world.subscribe("member", **YEAR)
    out = run_command("--dry-run")
    assert "Would send to member@example.org" in out and "1 digest would go (1 due)." in out
    assert mailoutbox == [] and Subscription.objects.get().last_checked_at is None
    assert "1 digest sent (1 due)." in run_command()
    assert "0 digests sent (0 due)." in run_command()
    assert len(mailoutbox) == 1


def test_the_command_fails_when_a_digest_could_not_be_sent(world, monkeypatch):
    world.subscribe("member", **YEAR)
    monkeypatch.setattr(digests, "send_digest", lambda digest: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(CommandError, match="1 could not be sent"):
        run_command()
