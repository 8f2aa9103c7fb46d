"""The demo's ratings and shared pain points: most systems rated by their own organisation,
some due for renewal and some changed over time, scores that tell the story the satisfaction
report looks for, pain points raised and shared by organisations that use the supplier, and
nothing that changes on a rebuild."""

import datetime

import pytest
from django.db.models import Q

from citytools.accounts.models import Role
from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.demo.catalogue import DEFAULT_SEED
from citytools.directory.models import Supplier
from citytools.inventory.models import System
from citytools.satisfaction import queries, rules
from citytools.satisfaction.models import PainPoint, PainPointStatus, Rating
from citytools.satisfaction.services import is_due, rate_system
from tests.demo.conftest import AS_OF, dump, rebuild

pytestmark = pytest.mark.django_db
ADMIN = Viewer(Grants(is_admin=True))
NOW = datetime.datetime.combine(AS_OF, datetime.time(9, 0), tzinfo=datetime.UTC)


def test_most_current_systems_are_rated_by_their_own_organisation(demo):
    systems = System.objects.count()
    ratings = list(Rating.objects.select_related("system"))
    assert demo.ratings == len(ratings)
    # Most, not all: "Not rated" shows on every organisation's page.
    assert 0.75 * systems <= len(ratings) <= 0.85 * systems
    assert all(rating.organisation_id == rating.system.organisation_id for rating in ratings)
    assert not Rating.objects.filter(system__status=System.Status.PLANNED).exists()
    assert Rating.objects.filter(modern_working__isnull=True).exists()
    assert Rating.objects.exclude(comment="").exists() and Rating.objects.filter(comment="").exists()


def test_some_ratings_are_due_for_renewal(demo):
    ratings = list(Rating.objects.all())
    due = [rating for rating in ratings if is_due(rating, NOW)]
    assert 0.1 * len(ratings) <= len(due) <= 0.3 * len(ratings)
    assert all(rating.rated_at < NOW - datetime.timedelta(days=rules.RENEW_AFTER_DAYS) for rating in due)


def test_each_version_of_a_rating_is_in_the_history_when_it_was_given(demo):
    changed = 0
    history = Rating.history.model.objects.order_by("history_date", "history_id")
    rows_by_rating = {}
    for row in history:
        rows_by_rating.setdefault(row.id, []).append(row)
    for rating in Rating.objects.all():
        rows = rows_by_rating[rating.pk]
        assert [row.version for row in rows] == list(range(1, rating.version + 1))
        assert [row.history_type for row in rows] == ["+"] + ["~"] * (rating.version - 1)
        assert all(row.history_date == row.rated_at for row in rows)
        assert (rows[-1].overall, rows[-1].rated_at) == (rating.overall, rating.rated_at)
        if len(rows) > 1:
            changed += 1
            assert NOW - rows[0].rated_at > datetime.timedelta(days=365)
            assert NOW - rating.rated_at < datetime.timedelta(days=365)
    assert changed > 0.2 * Rating.objects.count()


def test_the_report_finds_what_the_market_was_made_to_show(demo):
    report = queries.report(ADMIN)
    assert report.n > 300
    # The 2019 finding: organisations running more suppliers are less satisfied.
    assert report.correlation is not None and report.correlation < 0
    assert len(report.over_time) >= 4
    ranked = [entry for entry in report.suppliers if entry.place.rank is not None]
    worst, best = ranked[-3:], ranked[:3]
    # A few large incumbents are clearly worse; smaller suppliers do better.
    assert all(entry.place.summary.estimate < report.overall.estimate - 0.3 for entry in worst)
    assert worst[-1].place.summary.estimate < report.overall.estimate - 0.7
    names = {entry.name for entry in worst + best}
    sme = dict(Supplier.objects.filter(name__in=names).values_list("name", "is_sme"))
    assert not any(sme[entry.name] for entry in worst)
    assert any(sme[entry.name] for entry in best)


def _uses(organisation_id: int, point: PainPoint) -> bool:
    """Uses it today: a current system that is live or being replaced, not only planned."""
    systems = System.objects.filter(organisation_id=organisation_id, retired_at__isnull=True).exclude(
        status=System.Status.PLANNED
    )
    if point.product_id:
        return systems.filter(product_id=point.product_id).exists()
    return systems.filter(Q(supplier_id=point.supplier_id) | Q(product__manufacturer_id=point.supplier_id)).exists()


def test_pain_points_are_raised_and_shared_by_organisations_that_use_the_supplier(demo):
    points = list(PainPoint.objects.prefetch_related("shares"))
    assert demo.pain_points == len(points)
    assert 12 <= len(points) <= 20
    for point in points:
        assert _uses(point.organisation_id, point), point.title
        for share in point.shares.all():
            assert share.organisation_id != point.organisation_id
            assert _uses(share.organisation_id, point), point.title
        assert point.challenge_id is None
        if point.product_id:
            assert point.product.manufacturer_id == point.supplier_id
    assert {point.status for point in points} == set(PainPointStatus.values)
    assert sum(1 for point in points if 1 + point.shares.count() >= 3) >= 2
    assert any(share.note for point in points for share in point.shares.all())


def test_suppliers_reply_where_they_responded(demo):
    points = list(PainPoint.objects.prefetch_related("replies"))
    replied = [point for point in points if point.replies.all()]
    assert len(replied) >= 2
    for point in points:
        if point.status == PainPointStatus.RESPONDED:
            assert point.replies.all(), point.title
        for reply in point.replies.all():
            assert point.status in (PainPointStatus.RESPONDED, PainPointStatus.RESOLVED)
            assert reply.supplier_id == point.supplier_id
            assert reply.created_at >= point.created_at
            if reply.written_by_id:
                assert Role.objects.filter(user=reply.written_by, kind=Role.Kind.VENDOR, supplier=point.supplier).exists()


def test_rebuilding_with_the_same_seed_changes_no_rating_or_pain_point(demo):
    before = dump()
    summary = rebuild()
    assert (summary.created, summary.updated, summary.deleted) == (0, 0, 0)
    assert dump() == before


def test_a_rebuild_keeps_a_persons_rating_and_puts_back_a_demo_rating_changed_by_hand(demo):
    unrated = System.objects.filter(rating__isnull=True, status=System.Status.LIVE).order_by("pk").first()
    mine = rate_system(unrated, actor=None, viewer=ADMIN, overall=2, comment="Rated by a person trying the demo.")
    demo_rating = Rating.objects.exclude(pk=mine.pk).order_by("pk").first()
    Rating.objects.filter(pk=demo_rating.pk).update(overall=5 if demo_rating.overall == 1 else 1)

    rebuild()

    assert Rating.objects.get(pk=mine.pk).comment == "Rated by a person trying the demo."
    restored = Rating.objects.get(system=demo_rating.system)
    assert restored.overall == demo_rating.overall
    assert Rating.objects.count() == demo.ratings + 1


def test_another_seed_replaces_the_ratings_and_leaves_no_history_behind(demo):
    summary = rebuild(seed=DEFAULT_SEED + 1)
    ratings = set(Rating.objects.values_list("pk", flat=True))
    assert summary.ratings == len(ratings)
    assert set(Rating.history.values_list("id", flat=True)) == ratings
    assert set(PainPoint.history.values_list("id", flat=True)) == set(PainPoint.objects.values_list("pk", flat=True))
    for point in PainPoint.objects.all():
        assert _uses(point.organisation_id, point), point.title
