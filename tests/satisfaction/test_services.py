"""Rating and pain-point services: who may act, what is refused, and that nothing is
half-written (citytools.satisfaction.services)."""

import datetime

import pytest
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.inventory.models import System
from citytools.satisfaction import queries, services
from citytools.satisfaction.models import PainPoint, PainPointShare, PainPointStatus, Rating
from tests.factories import ProductFactory, ServiceAreaFactory, SystemFactory

pytestmark = pytest.mark.django_db


def rate(world, role, system="own", **fields):
    fields.setdefault("overall", 4)
    return services.rate_system(
        world.systems[system], actor=world.user(role), viewer=world.viewer(role), **fields
    )


# Ratings -------------------------------------------------------------------------------------


def test_a_member_rates_a_system_and_changes_it_with_history(world):
    first = rate(world, "member", overall=2, dimensions={"support": 1}, comment="Slow tickets")
    assert (first.overall, first.support, first.version) == (2, 1, 1)
    second = rate(world, "editor", overall=4, version=first.version)
    assert second.version == 2 and second.overall == 4 and second.support is None
    assert Rating.objects.count() == 1
    assert list(second.history.order_by("history_id").values_list("overall", flat=True)) == [2, 4]


def test_a_stale_or_blind_change_is_refused_and_keeps_the_rating(world):
    first = rate(world, "member", overall=2)
    rate(world, "editor", overall=3, version=1)
    with pytest.raises(Conflict):
        rate(world, "member", overall=5, version=1)
    with pytest.raises(Conflict):
        rate(world, "member", overall=5)  # no version: would overwrite unseen
    rating = Rating.objects.get(pk=first.pk)
    assert (rating.overall, rating.version) == (3, 2)


@pytest.mark.parametrize("bad", [0, 6, "3.5", "three", 2.5, True, None, ""])
def test_a_bad_overall_score_names_the_field_and_writes_nothing(world, bad):
    with pytest.raises(DomainError) as error:
        rate(world, "member", overall=bad)
    assert error.value.field == "overall"
    assert not Rating.objects.exists()


def test_bad_dimensions_and_long_comments_are_refused(world):
    with pytest.raises(DomainError) as error:
        rate(world, "member", dimensions={"speed": 3})
    assert error.value.field == "speed"
    with pytest.raises(DomainError) as error:
        rate(world, "member", dimensions={"value": 9})
    assert error.value.field == "value"
    with pytest.raises(DomainError) as error:
        rate(world, "member", comment="x" * 5001)
    assert error.value.field == "comment"
    assert not Rating.objects.exists()


@pytest.mark.parametrize("role", ["vendor", "peer_member", "other_editor", "coordinator"])
def test_only_the_organisations_own_staff_rate(world, role):
    with pytest.raises(Forbidden):
        rate(world, role)
    assert not Rating.objects.exists()


def test_rateable_system_hides_what_the_person_may_not_see(world):
    with pytest.raises(NotFound):
        services.rateable_system(Viewer.public(), 10**9)
    with pytest.raises(Forbidden):
        services.rateable_system(world.viewer("peer_member"), world.systems["own"].pk)
    assert services.rateable_system(world.viewer("member"), world.systems["own"].pk) == world.systems["own"]


def test_a_rating_older_than_a_year_is_due(world):
    now = timezone.now()
    rating = rate(world, "member", now=now - datetime.timedelta(days=366))
    assert services.is_due(rating, now) and services.is_due(None, now, system=world.systems["own_ledger"])
    assert not services.is_due(rate(world, "member", version=rating.version, now=now), now)
    lines = {line.system.pk: line.due for line in queries.organisation_ratings(world.cast.own, viewer=world.viewer("member"))}
    assert lines == {world.systems["own"].pk: False, world.systems["own_ledger"].pk: True}


# The report's visibility ---------------------------------------------------------------------


def test_figures_count_only_the_ratings_a_person_may_see(world):
    rate(world, "member", system="own", overall=5)
    rate(world, "peer_member", system="peer", overall=1)
    rate(world, "other_editor", system="stranger", overall=3)
    assert queries.report(world.viewer("member")).n == 2  # own and peer: network north
    assert queries.report(world.viewer("other_editor")).n == 1  # stranger: network south
    assert queries.report(world.viewer("admin")).n == 3
    for role in ("public", "vendor"):
        report = queries.report(Viewer.public() if role == "public" else world.viewer(role))
        assert report.n == 0 and not report.may_see


def test_a_network_that_publishes_satisfaction_shows_figures_but_never_who_rated(world):
    rate(world, "member", system="own", overall=5)
    world.cast.north.visibility = {"satisfaction": "public"}
    world.cast.north.save()
    vendor = world.viewer("vendor")
    assert queries.report(vendor).n == 0 and queries.report(vendor).withheld  # one organisation: its own rating
    assert queries.report(world.viewer("peer_member")).n == 1
    assert not queries.sees_ratings_of(vendor, world.cast.own.pk)
    assert not queries.sees_ratings_of(Viewer.public(), world.cast.own.pk)
    assert queries.sees_ratings_of(world.viewer("peer_member"), world.cast.own.pk)


def test_report_scopes_and_rankings(world):
    rate(world, "member", system="own", overall=5)
    rate(world, "member", system="own_ledger", overall=1)
    admin = world.viewer("admin")
    by_product = queries.report(admin, product=world.product)
    assert by_product.n == 1 and by_product.overall.mean == 5
    by_supplier = queries.report(admin, supplier=world.cast.vendor_company)
    assert by_supplier.n == 1
    everything = queries.report(admin, area=world.area)
    assert everything.n == 2
    assert all(row.place.rank is None for row in everything.products)  # one rating each: not ranked


# Pain points ------------------------------------------------------------------------------------


def raise_point(world, role="member", **fields):
    fields.setdefault("supplier", world.cast.vendor_company)
    fields.setdefault("title", "Data export costs extra")
    fields.setdefault("description", "Every export of our own data is charged as a change request.")
    return services.raise_pain_point(actor=world.user(role), viewer=world.viewer(role), **fields)


def test_a_member_raises_a_pain_point_that_peers_share(world):
    point = raise_point(world, tags="Data export, costs, data export", severity=3)
    assert point.organisation == world.cast.own and point.status == PainPointStatus.OPEN
    assert point.tags == ["data export", "costs"]
    share = services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"), note="Us too")
    assert share.organisation == world.cast.peer
    assert services.affected_organisations(point) == {world.cast.own.pk, world.cast.peer.pk}
    with pytest.raises(DomainError) as error:
        services.share_pain_point(point, actor=world.user("editor"), viewer=world.viewer("editor"))
    assert error.value.code == "already_shared"
    assert PainPointShare.objects.count() == 1


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": ""}, "title"),
        ({"description": "  "}, "description"),
        ({"title": "x" * 201}, "title"),
        ({"severity": 9}, "severity"),
        ({"supplier": "no-such-supplier"}, "supplier"),
        ({"product": "no-such-product"}, "product"),
    ],
)
def test_a_bad_pain_point_names_the_field_and_writes_nothing(world, fields, field):
    with pytest.raises(DomainError) as error:
        raise_point(world, **fields)
    assert error.value.field == field
    assert not PainPoint.objects.exists()


def test_a_product_must_be_the_suppliers(world):
    with pytest.raises(DomainError) as error:
        raise_point(world, product=world.other_product)
    assert error.value.field == "product"


@pytest.mark.parametrize("role", ["vendor", "coordinator"])
def test_only_staff_raise_pain_points(world, role):
    with pytest.raises((Forbidden, DomainError)):
        raise_point(world, role)
    assert not PainPoint.objects.exists()


def test_status_moves_follow_the_table_and_the_version(world):
    point = raise_point(world)
    moved = services.move_pain_point(point, actor=world.user("member"), viewer=world.viewer("member"), status="raised", version=1)
    assert moved.status == "raised" and moved.version == 2
    with pytest.raises(Conflict):
        services.move_pain_point(moved, actor=world.user("member"), viewer=world.viewer("member"), status="responded", version=1)
    with pytest.raises(DomainError) as error:
        services.move_pain_point(moved, actor=world.user("member"), viewer=world.viewer("member"), status="bogus", version=2)
    assert error.value.field == "status"
    resolved = services.move_pain_point(moved, actor=world.user("coordinator"), viewer=world.viewer("coordinator"), status="resolved", version=2)
    with pytest.raises(DomainError) as error:
        services.move_pain_point(resolved, actor=world.user("member"), viewer=world.viewer("member"), status="responded", version=3)
    assert error.value.code == "not_allowed"
    with pytest.raises(Forbidden):
        services.move_pain_point(resolved, actor=world.user("other_editor"), viewer=world.viewer("other_editor"), status="open", version=3)
    assert PainPoint.objects.get().status == "resolved"


def test_the_supplier_reads_its_pain_points_without_who_raised_them_and_replies(world):
    point = raise_point(world)
    vendor = world.viewer("vendor")
    assert services.readable_pain_point(vendor, point.pk) == point
    assert not queries.sees_organisations_of(vendor, point, world.cast.own.pk)
    reply = services.reply_to_pain_point(point, actor=world.user("vendor"), viewer=vendor, body="Fixed in 4.2.")
    assert reply.supplier == world.cast.vendor_company
    for role in ("member", "admin"):
        with pytest.raises(Forbidden):
            services.reply_to_pain_point(point, actor=world.user(role), viewer=world.viewer(role), body="Not mine to say")
    other = raise_point(world, supplier=world.other_product.manufacturer, product=world.other_product)
    with pytest.raises(NotFound):
        services.readable_pain_point(vendor, other.pk)
    with pytest.raises(NotFound):
        services.readable_pain_point(Viewer.public(), point.pk)
    with pytest.raises(NotFound):
        services.readable_pain_point(world.viewer("other_editor"), point.pk)


def test_a_shared_pain_point_starts_a_joint_invitation_to_partner(world):
    point = raise_point(world)
    with pytest.raises(DomainError) as error:
        services.start_joint_challenge(point, actor=world.user("editor"), viewer=world.viewer("editor"))
    assert error.value.code == "too_few"
    services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"))
    with pytest.raises(Forbidden):
        services.start_joint_challenge(point, actor=world.user("member"), viewer=world.viewer("member"))
    challenge = services.start_joint_challenge(point, actor=world.user("coordinator"), viewer=world.viewer("coordinator"))
    assert challenge.state == "draft" and challenge.problem_statement == point.description
    assert set(challenge.owners.all()) == {world.cast.own, world.cast.peer}
    assert PainPoint.objects.get().challenge == challenge
    with pytest.raises(DomainError) as error:
        services.start_joint_challenge(point, actor=world.user("coordinator"), viewer=world.viewer("coordinator"))
    assert error.value.code == "already_started"


def test_a_published_network_shows_figures_but_no_organisations_own_mean(world):
    rate(world, "member", system="own", overall=5)
    rate(world, "peer_member", system="peer", overall=1)
    world.cast.north.visibility = {"satisfaction": "public"}
    world.cast.north.save()
    public = queries.report(Viewer.public())
    assert public.n == 0 and public.organisations == [] and public.correlation is None
    member = queries.report(world.viewer("member"))
    assert {name for name, *_ in member.organisations} == {world.cast.own.short_name, world.cast.peer.short_name}


def test_outside_the_members_no_figure_comes_from_fewer_than_three_organisations(world):
    rate(world, "member", system="own", overall=5)
    rate(world, "member", system="own_ledger", overall=1)
    rate(world, "peer_member", system="peer", overall=2)
    world.cast.north.visibility = {"satisfaction": "public"}
    world.cast.north.save()
    public = queries.report(Viewer.public())
    assert public.overall.n == 0 and public.products == [] and public.suppliers == [] and public.over_time == []
    assert public.withheld > 0
    member = queries.report(world.viewer("member"))
    assert member.overall.n == 3 and member.withheld == 0


def test_a_corrected_rating_counts_once_in_its_quarter(world):
    first = rate(world, "member", overall=2)
    rate(world, "member", overall=3, version=first.version)
    quarters = queries.report(world.viewer("member")).over_time
    assert [s.n for _, s in quarters] == [1] and quarters[0][1].mean == 3


def test_the_pools_counted_in_the_database_are_those_of_the_rows(world):
    """The report counts its comparison pools with GROUP BY rather than from every rating's
    row: the same counts, a rating of a system in two areas counted in each."""
    parking = ServiceAreaFactory(slug="parking", name="Parking")
    world.systems["peer"].service_areas.add(parking)
    rate(world, "member", system="own", overall=5)
    rate(world, "member", system="own_ledger", overall=2)
    rate(world, "peer_member", system="peer", overall=3)
    for role in ("admin", "member", "other_editor"):
        ratings = queries.visible_ratings(world.viewer(role))
        assert queries.Pools.counted(ratings) == queries.Pools.of(queries._rows(ratings))
        assert queries.scores_by_organisation(ratings) == queries._scores_of(queries._rows(ratings))
    counted = queries.Pools.counted(queries.visible_ratings(world.viewer("admin")))
    assert counted.everyone == [0, 1, 1, 0, 1] and counted.areas[parking.pk] == [0, 0, 1, 0, 0]


def test_a_rating_falls_in_the_quarter_of_its_local_date(world):
    """Quarters are worked out in the database against each quarter's first moment in the
    current time zone: 00:30 on 1 April in London (23:30 UTC on 31 March) is in Q2."""
    utc = datetime.UTC
    moments = {
        "own": datetime.datetime(2025, 12, 31, 23, 30, tzinfo=utc),  # 2025 Q4 (GMT)
        "own_ledger": datetime.datetime(2026, 3, 31, 22, 59, tzinfo=utc),  # 23:59 on 31 March BST: Q1
        "peer": datetime.datetime(2026, 3, 31, 23, 30, tzinfo=utc),  # 00:30 on 1 April BST: Q2
    }
    for system, moment in moments.items():
        rate(world, "member" if system != "peer" else "peer_member", system=system, overall=4)
        Rating.history.model.objects.filter(system=world.systems[system]).update(rated_at=moment)
    with timezone.override("Europe/London"):
        quarters = queries.report(world.viewer("admin")).over_time
    assert [(q, s.n) for q, s in quarters] == [("2025 Q4", 1), ("2026 Q1", 1), ("2026 Q2", 1)]


def test_a_single_rating_alone_in_its_service_area_is_shrunk_and_has_an_interval(world):
    """The issue: a product rated once, in a service area nobody else rated, showed
    "n = 1, estimate 4.00 (4.0–4.0)": its own rating was its prior."""
    parking = ServiceAreaFactory(slug="parking", name="Parking")
    meters = SystemFactory(organisation=world.cast.own, product=ProductFactory(slug="meterly"), service_areas=[parking])
    services.rate_system(meters, actor=world.user("member"), viewer=world.viewer("member"), overall=4)
    rate(world, "member", system="own", overall=2)
    rate(world, "peer_member", system="peer", overall=3)
    report = queries.report(world.viewer("admin"))
    meterly = next(row.place.summary for row in report.products if row.name == meters.product.name)
    assert meterly.n == 1 and meterly.mean == 4
    # No other rating in parking: the pool is every other rating (a 2 and a 3), spread
    # (0.6, 1.6, 1.6, 0.6, 0.6) / 5, mean 2.8; estimate (3 × 2.8 + 4) / 4 = 3.1.
    assert meterly.estimate == pytest.approx(3.1)
    # alpha = (0.36, 0.96, 0.96, 1.36, 0.36): E[s²] = 10.9, var = (10.9 − 3.1²) / 5 = 0.258
    assert meterly.low == pytest.approx(2.10446, abs=1e-4) and meterly.high == pytest.approx(4.09554, abs=1e-4)
    assert meterly.interval_text == "2.1–4.1"


# Only systems in use are rated (issue 13, item 8) ---------------------------------------------


def test_a_planned_system_cannot_be_rated_and_is_never_due(world, planned):
    member = world.viewer("member")
    with pytest.raises(DomainError) as error:
        services.rateable_system(member, planned.pk)
    assert error.value.code == "not_in_use" and "planned" in error.value.message
    with pytest.raises(DomainError) as error:
        services.rate_system(planned, actor=world.user("member"), viewer=member, overall=4)
    assert error.value.code == "not_in_use"
    assert not Rating.objects.exists()
    lines = {line.system.pk: line for line in queries.organisation_ratings(world.cast.own, viewer=member)}
    assert not lines[planned.pk].due and not lines[planned.pk].in_use
    assert lines[world.systems["own_ledger"].pk].due  # in use and never rated


def test_a_retired_system_cannot_be_rated(world):
    system = world.systems["own"]
    System.objects.filter(pk=system.pk).update(retired_at=timezone.now())
    system.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.rate_system(system, actor=world.user("member"), viewer=world.viewer("member"), overall=4)
    assert error.value.code == "not_in_use"
    assert not Rating.objects.exists()


def test_a_rating_of_a_system_no_longer_in_use_is_not_counted(world):
    """A system rated while live, then recorded as planned (a correction), keeps its rating in
    the history, but the figures count only systems in use."""
    rate(world, "member", system="own", overall=5)
    rate(world, "peer_member", system="peer", overall=2)
    System.objects.filter(pk=world.systems["own"].pk).update(status=System.Status.PLANNED)
    report = queries.report(world.viewer("admin"))
    assert report.n == 1 and report.overall.mean == 2
    assert [s.n for _, s in report.over_time] == [1]
    line = next(line for line in queries.organisation_ratings(world.cast.own, viewer=world.viewer("member")) if line.rating)
    assert not line.due and not line.in_use


# Only organisations that use it have a pain point (issue 13, item 9) ---------------------------


def _stop_using(system):
    System.objects.filter(pk=system.pk).update(retired_at=timezone.now())


def test_only_an_organisation_that_uses_it_says_we_have_this_too(world):
    ledger = raise_point(world, supplier=world.other_product.manufacturer, product=world.other_product)
    with pytest.raises(DomainError) as error:
        services.share_pain_point(ledger, actor=world.user("peer_member"), viewer=world.viewer("peer_member"))
    assert error.value.code == "not_a_user" and error.value.field == "organisation"
    assert "Ledger" in error.value.message
    point = raise_point(world)
    System.objects.filter(pk=world.systems["peer"].pk).update(status=System.Status.PLANNED)
    with pytest.raises(DomainError) as error:
        services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"))
    assert error.value.code == "not_a_user"
    assert not PainPointShare.objects.exists()
    assert services.sharing_organisations(point, world.viewer("peer_member")) == []
    System.objects.filter(pk=world.systems["peer"].pk).update(status=System.Status.LIVE)
    assert services.sharing_organisations(point, world.viewer("peer_member")) == [world.cast.peer]
    services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"))
    assert PainPointShare.objects.count() == 1


def test_only_an_organisation_that_uses_it_raises_a_pain_point(world):
    with pytest.raises(DomainError) as error:
        raise_point(world, "peer_member", supplier=world.other_product.manufacturer)
    assert error.value.code == "not_a_user"
    assert not PainPoint.objects.exists()


def test_an_organisation_that_no_longer_uses_it_is_kept_but_not_counted(world):
    point = raise_point(world)
    services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"), note="Us too")
    services.share_pain_point(point, actor=world.user("other_editor"), viewer=world.viewer("other_editor"))
    admin = world.viewer("admin")
    assert [p.affected_count for p in queries.pain_points(admin)] == [3]
    _stop_using(world.systems["peer"])
    assert [p.affected_count for p in queries.pain_points(admin)] == [2]
    assert services.counted_organisations(point) == {world.cast.own.pk, world.cast.stranger.pk}
    shares = {share.organisation_id: share.counted for share in queries.shares_of(point)}
    assert shares == {world.cast.peer.pk: False, world.cast.stranger.pk: True}
    assert PainPointShare.objects.count() == 2  # kept, with its note
    _stop_using(world.systems["own"])
    listed = queries.pain_points(admin)[0]
    assert listed.affected_count == 1 and not listed.raiser_counted
    # Back in use, counted again.
    System.objects.filter(pk=world.systems["peer"].pk).update(retired_at=None)
    assert queries.pain_points(admin)[0].affected_count == 2


def test_the_most_shared_pain_points_count_only_organisations_that_use_it(world):
    first = raise_point(world, title="Counted twice, used by one")
    second = raise_point(world, title="Used by both")
    for point in (first, second):
        services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"))
    services.share_pain_point(first, actor=world.user("other_editor"), viewer=world.viewer("other_editor"))
    _stop_using(world.systems["stranger"])
    _stop_using(world.systems["peer"])
    SystemFactory(organisation=world.cast.peer, product=world.product, service_areas=[world.area])  # peer again
    titles = [(p.title, p.affected_count) for p in queries.pain_points(world.viewer("admin"))]
    assert titles[0][1] == titles[1][1] == 2  # stranger no longer counts for the first


def test_a_joint_invitation_needs_two_organisations_that_use_it(world):
    point = raise_point(world)
    services.share_pain_point(point, actor=world.user("peer_member"), viewer=world.viewer("peer_member"))
    _stop_using(world.systems["peer"])
    with pytest.raises(DomainError) as error:
        services.start_joint_challenge(point, actor=world.user("coordinator"), viewer=world.viewer("coordinator"))
    assert error.value.code == "too_few"
    assert not services.may_start_joint_challenge(point, world.viewer("coordinator"))
