"""The expiry timeline (contracts:timeline) and the market pipeline (market:pipeline), on the
hand-countable market of tests/market/world.py: Camden's contract ends in 30 days, Hackney's
payroll in 200, Hackney's finance in 400 with options to 800."""

import datetime
import re

import pytest
from django.urls import reverse

from citytools.contracts.models import Contract
from citytools.market import queries
from tests.factories import ContractFactory
from tests.market.world import TODAY, grow, sign_in_member

pytestmark = pytest.mark.django_db


def test_the_timeline_shows_the_chosen_range_with_extensions_distinct(client, world):
    page = client.get(reverse("contracts:timeline")).content.decode()  # 12 months by default
    assert "Camden finance and parking" in page and "Hackney payroll" in page
    assert "Hackney finance" not in page  # ends in 400 days
    assert 'data-chart="timeline-spec"' in page and 'id="timeline-table"' in page
    longer = client.get(reverse("contracts:timeline"), {"months": 24}).content.decode()
    assert "Hackney finance" in longer and "Extension option" in longer
    assert '"part": "Extension option"' in longer  # drawn in its own colour
    shorter = client.get(reverse("contracts:timeline"), {"months": 3}).content.decode()
    assert "Camden finance and parking" in shorter and "Hackney payroll" not in shorter


def test_the_timeline_filters_by_organisation_supplier_area_and_network(client, world):
    def titles(**query):
        page = client.get(reverse("contracts:timeline"), {"months": 24, **query}).content.decode()
        return {t for t in ("Camden finance and parking", "Hackney payroll", "Hackney finance") if t in page}

    assert titles(organisation="hackney") == {"Hackney payroll", "Hackney finance"}
    assert titles(supplier="quillstone") == {"Hackney payroll"}
    assert titles(service_area="parking") == {"Camden finance and parking"}
    assert titles(service_area="corporate") == {"Camden finance and parking", "Hackney payroll", "Hackney finance"}
    assert titles(network="london") == {"Camden finance and parking", "Hackney payroll", "Hackney finance"}


def test_a_wrong_range_is_an_error_not_a_guess(client, world):
    response = client.get(reverse("contracts:timeline"), {"months": 5})
    assert response.status_code == 200
    assert "There is a problem with the filters" in response.content.decode()


def test_the_timeline_keeps_values_and_confidential_contracts_from_the_public(client, world):
    ContractFactory(organisation=world.camden, supplier=world.northwind, title="Secret renewal", confidential=True,
                    end_date=TODAY + datetime.timedelta(days=60), annual_value=987654)
    public = client.get(reverse("contracts:timeline")).content.decode()
    assert "Secret renewal" not in public and "987" not in public
    sign_in_member(client, world.camden)
    assert "Secret renewal" in client.get(reverse("contracts:timeline")).content.decode()


@pytest.mark.parametrize("size", [2, 10])
def test_the_timeline_and_pipeline_use_a_bounded_number_of_queries(client, world, size, django_assert_max_num_queries):
    grow(world, size)
    for name, bound in (("contracts:timeline", 10), ("market:pipeline", 7)):
        client.get(reverse(name))
        with django_assert_max_num_queries(bound):
            assert client.get(reverse(name)).status_code == 200


def test_the_pipeline_counts_public_expiries_by_area_and_horizon(client, world):
    areas = {entry.area.slug: entry for entry in queries.pipeline(start=TODAY)}
    # Finance: Camden (30 days) and Hackney finance (400 days); parking: Camden; payroll:
    # Camden's (the same contract covers Camden's ledger, in finance and payroll) and Hackney's.
    assert areas["finance"].counts == [1, 0, 1] and areas["finance"].organisations == 2
    assert areas["parking"].counts == [1, 0, 0]
    assert areas["payroll"].counts == [1, 1, 0]
    assert areas["finance"].incumbents[0] in {"Northwind Systems", "Brightpath Services"}
    # The decision point counts back the area's lead time (9 months by default) from the soonest
    # end: for parking, October 2024, already past, so its next decision is now, and overdue.
    assert areas["parking"].decision.point == datetime.date(2024, 10, 15)
    assert areas["parking"].decision.due == "overdue" and areas["parking"].decision.next == TODAY


def test_the_pipeline_never_shows_a_decision_month_already_past(client, world):
    """Frozen on TODAY (tests/market/conftest.py): every area's soonest end less its lead time
    falls before this month, except Finance with a one-month lead time."""
    world.finance.procurement_lead_months = 1
    world.finance.save()
    ContractFactory(organisation=world.camden, supplier=world.northwind, end_date=TODAY + datetime.timedelta(days=400),
                    systems=[world.camden_parking])
    page = client.get(reverse("market:pipeline")).content.decode()
    table = page.split('id="pipeline"')[1].split("</table>")[0]
    assert "Now (it was due around October 2024)" in table  # parking: Camden's contract in 30 days, 9 months' lead
    assert "Now (June 2025)" in table  # finance: the same contract, a month's lead: 15 June 2025
    shown = [
        datetime.datetime.strptime(cell, "%B %Y").date()
        for cell in re.findall(r'<td class="govuk-table__cell">([A-Z][a-z]+ \d{4})</td>', table)
    ]
    assert all(month >= TODAY.replace(day=1) for month in shown), shown


def test_the_pipeline_shows_only_what_is_public_whoever_asks(client, world):
    ContractFactory(organisation=world.camden, supplier=world.northwind, title="Secret", confidential=True,
                    end_date=TODAY + datetime.timedelta(days=60), systems=[world.camden_parking])
    areas = {entry.area.slug: entry for entry in queries.pipeline(start=TODAY)}
    assert areas["parking"].counts == [1, 0, 0]
    sign_in_member(client, world.camden)
    page = client.get(reverse("market:pipeline")).content.decode()
    assert 'data-chart="pipeline-spec"' in page and "Parking" in page
    assert Contract.objects.filter(title="Secret").exists()


def test_the_pipeline_api_gives_the_same_rows(client, world):
    rows = {row["service_area"]: row for row in client.get(reverse("api:pipeline")).json()}
    assert (rows["payroll"]["within_6_months"], rows["payroll"]["within_6_to_12_months"]) == (1, 1)
    assert (rows["parking"]["decision_point"], rows["parking"]["next_decision"], rows["parking"]["decision_overdue"]) == (
        "2024-10-15", TODAY.isoformat(), True
    )
