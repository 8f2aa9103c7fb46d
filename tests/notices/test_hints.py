"""The mapping from a notice's words and CPV codes to service areas ships with the project;
coordinators edit it, and every later import follows the edited mapping."""

import pytest

from citytools.accounts.viewer import Viewer
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.notices import queries, rules, services
from citytools.notices.models import AreaHint, Suggestion
from tests.factories import ServiceAreaFactory, ServiceAreaGroupFactory
from tests.notices.notices import release, write
from tests.people import people


@pytest.fixture
def world(db):
    world = people()
    group = ServiceAreaGroupFactory(slug="environment", name="Environment")
    world.parking = ServiceAreaFactory(slug="parking-enforcement", name="Parking enforcement", parent=group)
    world.cctv = ServiceAreaFactory(slug="cctv", name="CCTV and public space surveillance", parent=group)
    return world


def test_the_shipped_mapping_holds_until_someone_edits_it(world):
    hints = queries.area_hints()
    assert hints and {hint.area for hint in hints} <= {"Parking enforcement", "CCTV and public space surveillance"}
    assert not AreaHint.objects.exists()


def test_an_edit_keeps_the_rest_of_the_shipped_mapping(world):
    shipped = set(queries.area_hints())
    services.add_hint(area=world.cctv, kind="words", hint="  Kerb  Cameras ", actor=world.user("coordinator"))
    edited = set(queries.area_hints())
    assert shipped < edited and ("CCTV and public space surveillance", "words", "kerb cameras") in {(h.area, h.kind, h.hint) for h in edited}


def test_an_import_follows_the_edited_mapping(world, tmp_path):
    services.remove_hint(area=world.parking, kind="words", hint="civil parking enforcement", actor=world.user("admin"))
    services.remove_hint(area=world.parking, kind="words", hint="parking enforcement", actor=world.user("admin"))
    services.add_hint(area=world.cctv, kind="words", hint="back office system", actor=world.user("coordinator"))
    services.run_import([write(tmp_path, "a.json", release("ocds-b5fd17-x", buyer=world.own.name))], actor=world.user("coordinator"))
    assert Suggestion.objects.get().facts["service_area"] == "cctv"


@pytest.mark.parametrize("role", ["member", "editor", "vendor", "peer_member"])
def test_only_coordinators_and_admins_edit_the_mapping(world, role):
    with pytest.raises(Forbidden):
        services.add_hint(area=world.cctv, kind="words", hint="cameras", actor=world.user(role))
    assert not AreaHint.objects.exists()


def test_a_hint_already_there_or_missing_is_refused(world):
    services.add_hint(area=world.cctv, kind="cpv", hint="35125300-2", actor=world.user("coordinator"))
    with pytest.raises(DomainError, match="already there"):
        services.add_hint(area=world.cctv, kind="cpv", hint="35125300", actor=world.user("coordinator"))
    with pytest.raises(NotFound):
        services.remove_hint(area=world.cctv, kind="words", hint="nothing like this", actor=world.user("coordinator"))


@pytest.mark.parametrize(
    ("kind", "hint", "expected"),
    [("words", " Parking   PERMIT ", ("words", "parking permit")), ("cpv", "48", ("cpv", "48000000")),
     ("cpv", "48311000-1", ("cpv", "48311000"))],
)
def test_hints_are_kept_as_the_classifier_compares_them(kind, hint, expected):
    assert rules.check_hint(kind, hint) == expected


@pytest.mark.parametrize(("kind", "hint"), [("colour", "red"), ("words", "  "), ("cpv", "software"), ("cpv", "4"), ("words", "x" * 201)])
def test_bad_hints_are_refused(kind, hint):
    with pytest.raises(DomainError):
        rules.check_hint(kind, hint)


def test_a_hint_is_removed_as_it_was_added(world):
    coordinator = world.user("coordinator")
    services.add_hint(area=world.cctv, kind="cpv", hint="35125300-2", actor=coordinator)
    services.add_hint(area=world.cctv, kind="words", hint="kerb cameras", actor=coordinator)
    services.remove_hint(area=world.cctv, kind="cpv", hint="35125300-2", actor=coordinator)
    services.remove_hint(area=world.cctv, kind="words", hint=" Kerb   CAMERAS", actor=coordinator)
    assert not AreaHint.objects.filter(area=world.cctv).exists()


def test_the_first_edit_keeps_the_shipped_order_which_decides_between_two_areas(world):
    """The first word hint that matches wins: copied in another order (by area name), the
    shipped mapping would have sent some notices elsewhere after an unrelated edit."""
    shipped = queries.area_hints()
    services.add_hint(area=world.cctv, kind="words", hint="kerb cameras", actor=world.user("coordinator"))
    edited = queries.area_hints()
    assert edited[: len(shipped)] == shipped and edited[-1].hint == "kerb cameras"


def test_the_last_hint_cannot_be_removed_since_none_would_mean_as_shipped(world):
    coordinator = world.user("coordinator")
    services.add_hint(area=world.cctv, kind="words", hint="kerb cameras", actor=coordinator)
    for hint in queries.area_hints()[:-1]:
        area = world.parking if hint.area == "Parking enforcement" else world.cctv
        services.remove_hint(area=area, kind=hint.kind, hint=hint.hint, actor=coordinator)
    with pytest.raises(Conflict, match="last hint"):
        services.remove_hint(area=world.cctv, kind="words", hint="kerb cameras", actor=coordinator)
    assert [hint.hint for hint in queries.area_hints()] == ["kerb cameras"]


def test_a_group_of_areas_suggests_nothing(world):
    with pytest.raises(DomainError, match="group of service areas"):
        services.add_hint(area=world.cctv.parent, kind="words", hint="cameras", actor=world.user("admin"))
    assert not AreaHint.objects.exists()


def test_the_mapping_says_whether_it_was_edited_and_which_hints_were_added(world):
    admin = Viewer.for_user(world.user("admin"))
    shipped = queries.hint_mapping(admin)
    assert not shipped.edited and shipped.hints and all(hint.shipped for hint in shipped.hints)
    assert [(area.area.slug, area.hints) for _, areas in shipped.groups for area in areas if area.area == world.cctv] == [("cctv", [])]
    services.add_hint(area=world.cctv, kind="cpv", hint="35125300", actor=world.user("coordinator"))
    edited = queries.hint_mapping(admin)
    added = [hint for hint in edited.hints if not hint.shipped]
    assert edited.edited and [(h.area, h.kind, h.hint, h.label) for h in added] == [(world.cctv, "cpv", "35125300", "Security cameras")]
    assert {(h.area.name, h.kind, h.hint) for h in edited.hints if h.shipped} == {(h.area.name, h.kind, h.hint) for h in shipped.hints}
    with pytest.raises(Forbidden):
        queries.hint_mapping(Viewer.for_user(world.user("editor")))
