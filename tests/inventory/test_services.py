"""The default service-area taxonomy and its loader."""

import io

import pytest
from django.core.management import call_command

from citytools.core.errors import DomainError
from citytools.inventory.models import ServiceArea
from citytools.inventory.services import load_service_areas


@pytest.mark.django_db
def test_load_creates_two_levels_of_groups_and_areas():
    result = load_service_areas()

    groups = ServiceArea.objects.groups()
    areas = ServiceArea.objects.leaves()
    assert result.created == groups.count() + areas.count()
    assert 11 <= groups.count() <= 13
    assert 38 <= areas.count() <= 46
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
