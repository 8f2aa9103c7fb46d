"""The quality seal through real edits, confirmations and time (clock frozen), the scores,
and a campaign from draft to report with its reminders."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from citytools.accounts.viewer import Viewer
from citytools.contracts import services as contract_services
from citytools.core.errors import DomainError, Forbidden
from citytools.freshness import queries, services
from citytools.freshness.models import Attestation, Campaign, Reminder
from citytools.inventory import services as system_services
from citytools.inventory.models import System
from tests.factories import (
    ProductFactory,
    RoleFactory,
    ServiceAreaFactory,
    SupplierFactory,
    UserFactory,
)
from tests.people import people

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(db):
    cast = people()
    cast.area = ServiceAreaFactory(slug="waste", name="Waste")
    cast.other_area = ServiceAreaFactory(slug="parking", name="Parking")
    cast.product = ProductFactory(slug="binsight", name="Binsight")
    cast.supplier = SupplierFactory(slug="maker", name="Maker")
    cast.second_editor = UserFactory(email="second-editor@example.org")
    RoleFactory(user=cast.second_editor, kind="editor", organisation=cast.own)
    return cast


def add_system(world, who="editor", area=None, organisation=None):
    return system_services.create_system(
        organisation=organisation or world.own, product=world.product, service_areas=[area or world.area],
        actor=world.user(who),
    )


def seal_of(record):
    record.refresh_from_db()
    return queries.record_seal(record)


def test_a_new_record_is_sealed_and_its_creator_answers_for_it(world):
    with time_machine.travel(T0, tick=False):
        system = add_system(world)
        assert system.responsible == world.user("editor")
        assert system.confirmed_by == world.user("editor")
        assert seal_of(system).sealed


def test_the_seal_breaks_when_someone_else_changes_it_and_comes_back_when_confirmed(world):
    with time_machine.travel(T0, tick=False):
        system = add_system(world)
        system = system_services.update_system(system, version=1, changes={"go_live": datetime.date(2020, 1, 1)}, actor=world.user("editor"))
        assert seal_of(system).sealed, "the responsible editor's own change keeps the seal"
        system = system_services.update_system(system, version=2, changes={"hosting": "hosted"}, actor=world.second_editor)
        seal = seal_of(system)
        assert not seal.sealed and seal.reasons == ("changed_by_other",)
        assert system.version == 3, "the seal is no part of the version"
    with time_machine.travel(T0 + datetime.timedelta(days=2), tick=False):
        result = services.confirm_records(organisation=world.own, keys=[f"system:{system.pk}:3"], actor=world.user("editor"))
        assert result.confirmed == ["Binsight"]
        system.refresh_from_db()
        assert system.version == 3 and system.confirmed_at == T0 + datetime.timedelta(days=2)
        assert seal_of(system).sealed
        assert system.history.count() == 3, "confirming writes no history row"


def test_the_seal_breaks_when_the_review_period_passes(world):
    with time_machine.travel(T0, tick=False):
        system = add_system(world)
    with time_machine.travel(T0 + datetime.timedelta(days=180), tick=False):
        assert seal_of(system).sealed
        assert queries.organisation_score(Viewer.for_user(world.user("editor")), world.own).freshness == 100
    with time_machine.travel(datetime.datetime(2026, 7, 5, 9, 1, tzinfo=datetime.UTC), tick=False):
        seal = seal_of(system)
        assert seal.reasons == ("review_due",)
        assert queries.organisation_score(Viewer.for_user(world.user("editor")), world.own).freshness == 0
    world.north.review_months = 12
    world.north.save()
    with time_machine.travel(datetime.datetime(2026, 7, 5, 9, 1, tzinfo=datetime.UTC), tick=False):
        assert seal_of(system).sealed, "a longer review period keeps it sealed"


def test_a_coordinators_restore_breaks_the_seal(world):
    system = add_system(world)
    system = system_services.update_system(system, version=1, changes={"hosting": "hosted"}, actor=world.user("editor"))
    first = system.history.order_by("history_id").first()
    system = system_services.restore_version(system, history_id=first.history_id, actor=world.user("coordinator"))
    assert seal_of(system).reasons == ("changed_by_other",)


def test_confirming_a_version_someone_changed_since_is_skipped_not_confirmed(world):
    system = add_system(world)
    system_services.update_system(system, version=1, changes={"hosting": "hosted"}, actor=world.second_editor)
    result = services.confirm_records(organisation=world.own, keys=[f"system:{system.pk}:1"], actor=world.user("editor"))
    assert result.confirmed == [] and result.skipped == ["Binsight"]
    assert "changed since you opened the page" in result.message
    assert not seal_of(system).sealed
    assert not Attestation.objects.exists()


@pytest.mark.parametrize("who", ["member", "coordinator", "other_editor", "vendor"])
def test_only_editors_confirm(world, who):
    system = add_system(world)
    with pytest.raises(Forbidden):
        services.confirm_records(organisation=world.own, keys=[f"system:{system.pk}:1"], actor=world.user(who))


@pytest.mark.parametrize("keys", [[], ["system"], ["system:x:1"], ["widget:1:1"], ["system:1:1:1"]])
def test_malformed_keys_are_refused(world, keys):
    with pytest.raises(DomainError):
        services.confirm_records(organisation=world.own, keys=keys, actor=world.user("editor"))


def test_another_organisations_record_cannot_be_confirmed_through_yours(world):
    theirs = add_system(world, who="other_editor", organisation=world.stranger)
    with pytest.raises(DomainError):
        services.confirm_records(organisation=world.own, keys=[f"system:{theirs.pk}:1"], actor=world.user("editor"))
    theirs.refresh_from_db()
    assert theirs.confirmed_by == world.user("other_editor")


def test_responsible_editor_must_be_an_editor(world):
    system = add_system(world)
    services.set_responsible(system, user=world.second_editor, actor=world.user("editor"))
    system = system_services.update_system(system, version=1, changes={"hosting": "hosted"}, actor=world.user("editor"))
    assert seal_of(system).reasons == ("changed_by_other",), "the first editor is no longer responsible"
    with pytest.raises(DomainError):
        services.set_responsible(system, user=world.user("member"), actor=world.user("editor"))
    with pytest.raises(Forbidden):
        services.set_responsible(system, user=world.user("editor"), actor=world.user("coordinator"))


def test_scores_count_weighted_fields_and_hide_values_from_the_public(world):
    system = add_system(world)  # hosting blank, no go-live, no contract: 0 of 6
    contract_services.create_contract(
        organisation=world.own, supplier=world.supplier, title="Waste", start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 1, 1), annual_value=Decimal("1000"), systems=[system], actor=world.user("editor"),
    )
    member = queries.organisation_score(Viewer.for_user(world.user("member")), world.own)
    # system: contract 3 of 6; contract: annual 3 + systems 3 of 10
    assert (member.filled, member.expected) == (9, 16)
    assert member.completeness == 56
    assert dict(member.missing) == {"Hosting": 1, "Go-live date": 1, "Total value": 1, "Procurement route": 1, "Reference": 1}
    public = queries.organisation_score(Viewer.public(), world.own)
    assert (public.filled, public.expected) == (6, 11)
    assert "Total value" not in public.missing
    assert public.freshness == 100 and public.records == 2


def test_network_scores_sort(world):
    add_system(world)
    rows = queries.network_scores(Viewer.for_user(world.user("coordinator")), world.north, sort="-records")
    assert [s.organisation.slug for s in rows] == ["own", "peer"]
    rows = queries.network_scores(Viewer.for_user(world.user("coordinator")), world.north, sort="name")
    assert [s.organisation.slug for s in rows] == ["own", "peer"]
    rows = queries.network_scores(Viewer.for_user(world.user("coordinator")), world.north, sort="freshness")
    assert [s.organisation.slug for s in rows] == ["peer", "own"], "no records counts below any score"


def test_review_period_is_set_by_coordinators_only(world):
    services.set_review_period(world.north, months=3, actor=world.user("coordinator"))
    world.north.refresh_from_db()
    assert world.north.review_months == 3
    assert world.north.history.first().history_user == world.user("coordinator")
    for who in ("editor", "other_coordinator"):
        with pytest.raises(Forbidden):
            services.set_review_period(world.north, months=12, actor=world.user(who))
    with pytest.raises(DomainError):
        services.set_review_period(world.north, months=0, actor=world.user("coordinator"))


# Campaigns --------------------------------------------------------------------------------


def test_a_campaign_from_draft_to_report(world, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        kept = add_system(world)
        changed = add_system(world, area=world.other_area)
        add_system(world, who="other_editor", organisation=world.stranger)
    launch = T0 + datetime.timedelta(days=200)
    with time_machine.travel(launch, tick=False):
        campaign = services.create_campaign(
            network=world.north, title="Winter check", deadline=datetime.date(2026, 8, 1), actor=world.user("coordinator"),
            reminder_days=[7, 1],
        )
        assert campaign.status == "draft"
        assert sorted(campaign.participants.values_list("organisation__slug", flat=True)) == ["own", "peer"]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.launch_campaign(campaign, actor=world.user("coordinator"))
        campaign.refresh_from_db()
        assert campaign.status == "running"
        assert {p.organisation.slug: p.freshness_at_launch for p in campaign.participants.all()} == {"own": 0, "peer": None}
        # The launch e-mail goes to own's two editors (peer has no records, so nothing to ask).
        assert sorted(m.to[0] for m in mail.outbox) == ["editor@example.org", "second-editor@example.org"]
        assert "2 of 2 records still to confirm" in mail.outbox[0].body
    with time_machine.travel(launch + datetime.timedelta(hours=1), tick=False):
        changed = system_services.update_system(changed, version=1, changes={"hosting": "hosted"}, actor=world.user("editor"))
        result = services.confirm_records(
            organisation=world.own, keys=[f"system:{kept.pk}:1", f"system:{changed.pk}:2"], actor=world.user("editor"), campaign=campaign,
        )
        assert len(result.confirmed) == 2
        assert sorted(Attestation.objects.values_list("outcome", flat=True)) == ["corrected", "unchanged"]
        progress = queries.campaign_progress(campaign)
        own = progress.organisations[0]
        assert (own.records, own.unchanged, own.corrected, own.outstanding, own.freshness_now) == (2, 1, 1, 0, 100)
    with time_machine.travel(launch + datetime.timedelta(days=2), tick=False):
        campaign = services.close_campaign(campaign, actor=world.user("coordinator"))
        assert campaign.report[0] == {
            "organisation": "own", "name": "Own", "records": 2, "unchanged": 1, "corrected": 1, "outstanding": 0,
            "freshness_at_launch": 0, "freshness_at_close": 100,
        }
        with pytest.raises(DomainError):
            services.confirm_records(organisation=world.own, keys=[f"system:{kept.pk}:1"], actor=world.user("editor"), campaign=campaign)


def test_scope_limits_the_records_asked(world):
    add_system(world)
    add_system(world, area=world.other_area)
    campaign = services.create_campaign(
        network=world.north, title="Waste only", deadline=datetime.date.today() + datetime.timedelta(days=10),
        service_areas=["waste"], kinds="systems", actor=world.user("coordinator"),
    )
    services.launch_campaign(campaign, actor=world.user("coordinator"))
    rows = queries.campaign_rows(campaign, Viewer.for_user(world.user("editor")), [world.own.pk])
    assert [r.record.service_areas.get().slug for r in rows] == ["waste"]


def test_reminders_go_once_on_their_days_and_the_campaign_closes_after_its_deadline(world):
    start = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        add_system(world)
        campaign = services.create_campaign(network=world.north, title="Spring", deadline=datetime.date(2026, 3, 20), actor=world.user("coordinator"))
        services.launch_campaign(campaign, actor=world.user("coordinator"))
        services.send_due_reminders()  # again the same day: the launch e-mail is not sent twice
    assert list(Reminder.objects.values_list("days_before", flat=True)) == [-1]
    for day, expected in [(10, [-1]), (13, [-1, 7]), (14, [-1, 7]), (19, [-1, 7, 1]), (20, [-1, 7, 1])]:
        with time_machine.travel(datetime.datetime(2026, 3, day, 9, tzinfo=datetime.UTC), tick=False):
            services.send_due_reminders()
        assert sorted(Reminder.objects.values_list("days_before", flat=True)) == sorted(expected), day
    subjects = [m.subject for m in mail.outbox]
    assert "7 days left: Spring" in subjects and "1 day left: Spring" in subjects
    with time_machine.travel(datetime.datetime(2026, 3, 21, 9, tzinfo=datetime.UTC), tick=False):
        run = services.send_due_reminders()
    assert run.closed == ["Spring"]
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.report[0]["outstanding"] == 1


def test_no_reminder_once_everything_is_confirmed(world):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        system = add_system(world)
        campaign = services.create_campaign(network=world.north, title="Spring", deadline=datetime.date(2026, 3, 20), actor=world.user("coordinator"))
        services.launch_campaign(campaign, actor=world.user("coordinator"))
        services.confirm_records(organisation=world.own, keys=[f"system:{system.pk}:1"], actor=world.user("editor"), campaign=campaign)
    with time_machine.travel(datetime.datetime(2026, 3, 13, 9, tzinfo=datetime.UTC), tick=False):
        services.send_due_reminders()
    assert list(Reminder.objects.values_list("days_before", flat=True)) == [-1]


@pytest.mark.parametrize("who", ["editor", "other_coordinator", "member"])
def test_only_the_networks_coordinators_run_campaigns(world, who):
    with pytest.raises(Forbidden):
        services.create_campaign(network=world.north, title="X", deadline=datetime.date.today() + datetime.timedelta(days=5), actor=world.user(who))
    campaign = services.create_campaign(network=world.north, title="X", deadline=datetime.date.today() + datetime.timedelta(days=5), actor=world.user("coordinator"))
    with pytest.raises(Forbidden):
        services.launch_campaign(campaign, actor=world.user(who))
    assert Campaign.objects.get().status == "draft"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"deadline": "yesterday"}, "deadline"),
        ({"deadline": datetime.date(2000, 1, 1)}, "deadline"),
        ({"kinds": "ratings"}, "kinds"),
        ({"service_areas": ["nowhere"]}, "service_areas"),
        ({"organisations": ["stranger"]}, "organisations"),
        ({"reminder_days": "soon"}, "reminder_days"),
    ],
)
def test_bad_campaigns_are_refused_with_nothing_written(world, changes, field):
    data = {"title": "Check", "deadline": datetime.date.today() + datetime.timedelta(days=5), **changes}
    with pytest.raises(DomainError) as raised:
        services.create_campaign(network=world.north, actor=world.user("coordinator"), **data)
    assert raised.value.field == field
    assert not Campaign.objects.exists()


def test_a_campaign_launches_once(world):
    campaign = services.create_campaign(network=world.north, title="X", deadline=datetime.date.today() + datetime.timedelta(days=5), actor=world.user("coordinator"))
    services.launch_campaign(campaign, actor=world.user("coordinator"))
    stale = Campaign.objects.get(pk=campaign.pk)
    stale.status = "draft"
    with pytest.raises(DomainError):
        services.launch_campaign(stale, actor=world.user("coordinator"))


def test_system_objects_are_untouched_by_a_refused_confirmation(world):
    system = add_system(world)
    before = list(System.objects.values())
    with pytest.raises(Forbidden):
        services.confirm_records(organisation=world.own, keys=[f"system:{system.pk}:1"], actor=world.user("peer_member"))
    assert list(System.objects.values()) == before


def test_reminder_days_before_the_launch_are_skipped_and_one_email_a_day_at_most(world):
    start = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        add_system(world)
        campaign = services.create_campaign(
            network=world.north, title="Short", deadline=datetime.date(2026, 3, 6), reminder_days=[7, 1], actor=world.user("coordinator")
        )
        services.launch_campaign(campaign, actor=world.user("coordinator"))
        services.send_due_reminders()
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        services.send_due_reminders()  # the 7-day reminder fell before the launch: never sent
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
        services.send_due_reminders()
    assert list(Reminder.objects.values_list("days_before", flat=True)) == [-1]
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC), tick=False):
        services.send_due_reminders()
    assert sorted(Reminder.objects.values_list("days_before", flat=True)) == [-1, 1]
    assert [m.subject for m in mail.outbox if "left" in m.subject] == ["1 day left: Short"] * 2


def test_a_refused_email_is_not_recorded_and_is_tried_again(world, monkeypatch):
    from django.core.mail import EmailMessage

    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        add_system(world)
        campaign = services.create_campaign(network=world.north, title="Spring", deadline=datetime.date(2026, 3, 20), actor=world.user("coordinator"))
        services.launch_campaign(campaign, actor=world.user("coordinator"))
        real = EmailMessage.send

        def refuse(self, *args, **kwargs):
            raise ConnectionRefusedError("the mail server is down")

        monkeypatch.setattr(EmailMessage, "send", refuse)
        run = services.send_due_reminders()
        assert (run.sent, run.failed) == (0, 1) and not Reminder.objects.exists()
        monkeypatch.setattr(EmailMessage, "send", real)
        run = services.send_due_reminders()
        assert (run.sent, run.failed) == (1, 0) and Reminder.objects.count() == 1
