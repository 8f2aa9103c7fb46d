import datetime

import pytest
from django.urls import reverse

from citytools.contracts.views import TIMELINE_PAGE_SIZE
from tests.factories import ContractFactory
from tests.htmx import links
from tests.market.world import TODAY, grow, sign_in_member

pytestmark = pytest.mark.django_db


def test_contract_list_on_an_empty_database(client, db):
    response = client.get(reverse("contracts:contracts"))
    assert response.status_code == 200
    assert "No contracts match these filters." in response.content.decode()


def test_contract_list_filters(client, world):
    page = client.get(reverse("contracts:contracts"), {"ending_within": 365, "supplier": "northwind"}).content.decode()
    assert "Camden finance and parking" in page and "Hackney payroll" not in page
    assert "1 contract<" in page


def test_contract_list_reports_bad_filters_and_shows_everything(client, world):
    response = client.get(reverse("contracts:contracts"), {"ending_within": "soon", "end_from": "2026-01-01", "end_to": "2025-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Enter a whole number." in page
    assert "Hackney finance" in page


def test_contract_list_sorts_by_value(client, world):
    sign_in_member(client, world.camden)
    page = client.get(reverse("contracts:contracts"), {"sort": "-value"}).content.decode()
    assert page.index("Camden finance and parking") < page.index("Hackney finance") < page.index("Hackney payroll")


def test_sorting_by_a_hidden_value_gives_nothing_away(client, world):
    # For the public every value is hidden, so sorting by value keeps the end-date order.
    by_value = client.get(reverse("contracts:contracts"), {"sort": "-value"}).content.decode()
    titles = ["Camden finance and parking", "Hackney payroll", "Hackney finance"]
    assert [by_value.index(t) for t in titles] == sorted(by_value.index(t) for t in titles)
    assert "£100,000" not in by_value and "Members only" in by_value


def test_contract_list_paginates(client, world):
    for i in range(30):
        ContractFactory(organisation=world.camden, title=f"Later {i:02d}", end_date=TODAY + datetime.timedelta(days=500 + i))
    first = client.get(reverse("contracts:contracts")).content.decode()
    assert "page 1 of 2" in first and "Later 21" in first and "Later 22" not in first
    assert 'class="govuk-pagination"' in first and "?page=2" in first
    second = client.get(reverse("contracts:contracts"), {"page": 2}).content.decode()
    assert "Later 22" in second and "Later 29" in second and "Camden finance" not in second


def test_contract_list_answers_htmx_with_the_results_only(client, world):
    body = client.get(
        reverse("contracts:contracts"), {"organisation": "camden"}, headers={"HX-Request": "true", "HX-Target": "results"}
    ).content.decode()
    assert body.lstrip().startswith('<div id="results"') and "Hackney" not in body


def test_contract_list_lets_htmx_follow_only_its_sort_and_page_links(client, world):
    """A contract's, an organisation's or a supplier's page opens as a page of its own, not
    inside the list's results."""
    for number in range(30):
        ContractFactory(organisation=world.camden, title=f"Later {number:02d}", end_date=TODAY + datetime.timedelta(days=500 + number))
    page = client.get(reverse("contracts:contracts")).content.decode()
    targets = {href: target for href, is_boosted, target in links(page) if is_boosted}
    assert any("page=2" in href for href in targets), "the page links should replace only the results"
    assert any("sort=" in href for href in targets), "the sort links should replace only the results"
    assert all(href.startswith("?") and target == "#results" for href, target in targets.items()), targets


def test_contract_page(client, world):
    url = reverse("contracts:contract", args=[world.hackney_contract.pk])
    page = client.get(url).content.decode()
    assert "Hackney finance" in page and "Ledger" in page and "Brightpath Services" in page
    assert "£60,000" not in page and "Contract values are shared with members of the network" in page
    sign_in_member(client, world.hackney)
    assert "£60,000" in client.get(url).content.decode()


def test_a_confidential_contract_is_not_found_by_outsiders(client, world):
    from citytools.contracts.models import Contract

    Contract.objects.filter(pk=world.hackney_contract.pk).update(confidential=True)
    url = reverse("contracts:contract", args=[world.hackney_contract.pk])
    assert client.get(url).status_code == 404
    assert "Hackney finance" not in client.get(reverse("contracts:contracts")).content.decode()
    sign_in_member(client, world.camden)  # same network, other organisation
    assert client.get(url).status_code == 404
    sign_in_member(client, world.hackney)
    assert client.get(url).status_code == 200


def test_unknown_contract_is_404(client, db):
    assert client.get(reverse("contracts:contract", args=[999])).status_code == 404


@pytest.mark.parametrize("size", [3, 20])
def test_query_count_does_not_grow_with_data(client, world, django_assert_max_num_queries, size):
    grow(world, size)
    # Each page's own queries, and the Viewer's two (memberships and the networks' settings).
    with django_assert_max_num_queries(7 + 2):
        assert client.get(reverse("contracts:contracts"), {"service_area": "corporate", "sort": "-value"}).status_code == 200
    # The contract's own three, and the review period of its quality seal.
    with django_assert_max_num_queries(3 + 1 + 2):
        assert client.get(reverse("contracts:contract", args=[world.camden_contract.pk])).status_code == 200


# The timeline, a page at a time -------------------------------------------------------------


def _timeline_world(world, count):
    for number in range(count):
        ContractFactory(
            organisation=world.hackney if number % 2 else world.camden, title=f"Soon {number:03d}",
            end_date=TODAY + datetime.timedelta(days=40 + number),
            extension_end_date=TODAY + datetime.timedelta(days=900) if number % 3 == 0 else None,
        )


def _chart_spec(page: str) -> str:
    return page[page.index('id="timeline-spec"'):page.index("</script>", page.index('id="timeline-spec"'))]


def test_the_timeline_pages_its_chart_and_table_together(client, world):
    _timeline_world(world, TIMELINE_PAGE_SIZE + 5)  # with Camden's (30 days) and Hackney payroll (200 days)
    total = TIMELINE_PAGE_SIZE + 7
    first = client.get(reverse("contracts:timeline")).content.decode()
    # The count is of every contract in the range; the chart and its table hold the first page.
    assert f"<strong>{total}</strong> contracts" in first and "Page 1 of 2" in first
    assert f"contracts 1 to {TIMELINE_PAGE_SIZE} of {total}" in first
    assert "Soon 078" in _chart_spec(first) and "Soon 079" not in first
    table = first[first.index('id="timeline-table"'):]
    assert "Soon 078" in table and "Soon 079" not in table
    assert 'class="govuk-pagination"' in first and 'aria-label="Pages of the timeline"' in first
    second = client.get(reverse("contracts:timeline"), {"page": 2}).content.decode()
    assert "Soon 079" in _chart_spec(second) and "Soon 084" in second and "Hackney payroll" in second
    assert "Soon 000" not in second and "Camden finance and parking" not in second
    assert f"contracts {TIMELINE_PAGE_SIZE + 1} to {total} of {total}" in second


def test_the_timeline_pages_keep_the_filters_and_take_any_page_number(client, world):
    _timeline_world(world, 2 * TIMELINE_PAGE_SIZE + 2)
    page = client.get(reverse("contracts:timeline"), {"months": 24, "organisation": "hackney"}).content.decode()
    assert "?months=24&amp;organisation=hackney&amp;page=2" in page
    last = client.get(reverse("contracts:timeline"), {"organisation": "hackney", "page": 2}).content.decode()
    assert "Soon 001" not in last and "Soon 000" not in last and "Page 2 of 2" in last
    assert "Hackney payroll" in last  # its last contract (200 days)
    # A page past the end shows the last one, and one that is not a number the first.
    assert client.get(reverse("contracts:timeline"), {"organisation": "hackney", "page": 99}).content.decode().count(
        'aria-current="page">2<'
    ) == 1
    assert "Soon 001" in client.get(reverse("contracts:timeline"), {"organisation": "hackney", "page": "x"}).content.decode()
