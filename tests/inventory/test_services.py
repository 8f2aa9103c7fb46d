"""The default service-area taxonomy and its loader."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError, Forbidden
from citytools.inventory.models import ServiceArea
from citytools.inventory.services import load_service_areas, set_lead_time
from tests.factories import NetworkFactory, OrganisationFactory, RoleFactory


@pytest.mark.django_db
def test_load_creates_two_levels_of_groups_and_areas():
    result = load_service_areas()

    groups = ServiceArea.objects.groups()
    areas = ServiceArea.objects.leaves()
    assert result.created == groups.count() + areas.count()
    assert 11 <= groups.count() <= 13
    assert 38 <= areas.count() <= 50
    assert not areas.filter(parent__parent__isnull=False).exists()
    council_tax = ServiceArea.objects.get(slug="council-tax")
    assert council_tax.parent.name == "Revenues and benefits"
    assert council_tax.kind == ServiceArea.Kind.FRONTLINE
    assert ServiceArea.objects.get(slug="finance-and-erp").kind == ServiceArea.Kind.CORPORATE
    # Areas sort inside their group, and groups in the order the file gives.
    names = [group.name for group in groups]
    assert names[0] == "Housing" and names[-1] == "Technology and data"


@pytest.mark.django_db
def test_reloading_changes_nothing():
    load_service_areas()
    before = list(ServiceArea.objects.order_by("pk").values())
    result = load_service_areas()
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
    assert list(ServiceArea.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_reloading_restores_an_edited_description_and_keeps_extra_areas():
    load_service_areas()
    ServiceArea.objects.filter(slug="licensing").update(description="Edited")
    extra = ServiceArea.objects.create(
        slug="cemeteries", name="Cemeteries", kind="frontline", parent=ServiceArea.objects.get(slug="regulatory-services")
    )
    assert load_service_areas().updated == 1
    assert ServiceArea.objects.get(slug="licensing").description != "Edited"
    assert ServiceArea.objects.filter(pk=extra.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("group,area,kind,position,description\nHousing,,frontline,1,x\nHousing,Repairs,civic,2,x\n", "kind"),
        ("group,area,kind,position,description\nHousing,Repairs,frontline,2,x\n", "no row of its own"),
        ("group,area,kind,position,description\nHousing,,frontline,1,x\nHousing,Repairs,frontline,two,x\n", "position"),
        ("group,area,kind\nHousing,,frontline\n", "description"),
    ],
)
def test_load_refuses_a_malformed_file(tmp_path, content, message):
    path = tmp_path / "areas.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DomainError, match=message):
        load_service_areas(path=path)
    assert not ServiceArea.objects.exists()


@pytest.mark.django_db
def test_command_prints_the_counts():
    output = io.StringIO()
    call_command("load_service_areas", stdout=output)
    assert "created, 0 updated, 0 unchanged" in output.getvalue()


# A service area's procurement lead time -------------------------------------------------


@pytest.fixture
def areas(db):
    from tests.factories import ServiceAreaFactory, ServiceAreaGroupFactory

    group = ServiceAreaGroupFactory(slug="waste-group")
    return SimpleNamespace(
        group=group,
        collection=ServiceAreaFactory(slug="collection", parent=group),
        recycling=ServiceAreaFactory(slug="recycling", parent=group, procurement_lead_months=12),
    )


def lead_times(*areas) -> list[int]:
    return [ServiceArea.objects.get(pk=a.pk).procurement_lead_months for a in areas]


def test_an_admin_sets_a_lead_time_and_the_history_says_who_and_why(areas):
    admin = RoleFactory(kind="admin").user
    set_lead_time(areas.collection, months=6, actor=admin, viewer=Viewer.for_user(admin))
    assert lead_times(areas.collection, areas.recycling) == [6, 12]
    latest = areas.collection.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.procurement_lead_months) == (
        admin, "Procurement lead time 9 → 6 months", 6
    )


def test_a_group_sets_every_area_in_it_and_records_only_real_changes(areas):
    operator = Viewer(Grants(is_admin=True))
    before = areas.recycling.history.count()
    set_lead_time(areas.group, months=12, actor=None, viewer=operator)
    assert lead_times(areas.collection, areas.recycling) == [12, 12]
    assert areas.collection.history.latest().history_user is None
    assert areas.recycling.history.count() == before, "recycling was 12 already"


@pytest.mark.parametrize("role", ["editor", "coordinator", "member", "public"])
def test_only_platform_admins_set_a_lead_time(areas, role):
    scope = {"network": NetworkFactory()} if role == "coordinator" else {"organisation": OrganisationFactory()}
    user = None if role == "public" else RoleFactory(kind=role, **scope).user
    viewer = Viewer.public() if user is None else Viewer.for_user(user)
    with pytest.raises(Forbidden):
        set_lead_time(areas.collection, months=6, actor=user, viewer=viewer)
    assert lead_times(areas.collection) == [9]


@pytest.mark.parametrize("months", [0, 37, -1, "6", 2.5, True])
def test_a_lead_time_is_1_to_36_whole_months(areas, months):
    with pytest.raises(DomainError, match="1 to 36 months"):
        set_lead_time(areas.collection, months=months, actor=None, viewer=Viewer(Grants(is_admin=True)))
    assert lead_times(areas.collection) == [9]


def test_the_command_goes_through_the_service_and_names_the_admin_given(areas):
    admin = RoleFactory(kind="admin").user
    out = io.StringIO()
    call_command("set_lead_time", "waste-group", "18", "--as", admin.email, stdout=out)
    assert "(2 areas)" in out.getvalue()
    assert lead_times(areas.collection, areas.recycling) == [18, 18]
    assert {areas.collection.history.latest().history_user, areas.recycling.history.latest().history_user} == {admin}
    editor = RoleFactory(kind="editor", organisation=OrganisationFactory()).user
    with pytest.raises(CommandError, match="Only platform admins"):
        call_command("set_lead_time", "collection", "3", "--as", editor.email, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No active user"):
        call_command("set_lead_time", "collection", "3", "--as", "nobody@example.org", stdout=io.StringIO())
    assert lead_times(areas.collection) == [18]
