import re

import pytest
from django.urls import reverse

from citytools.market import directory_views
from tests.htmx import boosted, links
from tests.market.world import grow, sign_in_member

pytestmark = pytest.mark.django_db


def get(client, url_name, *args, **params):
    return client.get(reverse(url_name, args=args), params)


@pytest.mark.parametrize(
    ("name", "args"),
    [("directory:organisations", ()), ("directory:suppliers", ())],
)
def test_lists_render_on_an_empty_database(client, db, name, args):
    assert get(client, name, *args).status_code == 200


@pytest.mark.parametrize("name", ["directory:organisation", "directory:supplier"])
def test_unknown_slug_is_404(client, db, name):
    assert get(client, name, "atlantis").status_code == 404


def test_organisation_list_filters_and_sorts(client, world):
    page = get(client, "directory:organisations").content.decode()
    assert "Camden" in page and "Rutland" not in page
    page = get(client, "directory:organisations", everyone="1").content.decode()
    assert "Rutland" in page
    page = get(client, "directory:organisations", name="hack").content.decode()
    assert "Hackney" in page and "Camden" not in page
    page = get(client, "directory:organisations", sort="-population").content.decode()
    assert page.index("Hackney") < page.index("Camden")
    assert 'aria-sort="descending"' in page


def test_organisation_list_answers_htmx_with_the_results_only(client, world):
    response = client.get(
        reverse("directory:organisations"), {"name": "cam"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body
    assert "Camden" in body and "Hackney" not in body
    assert "HX-Target" in response["Vary"]


@pytest.mark.parametrize("name", ["directory:organisations", "directory:suppliers"])
def test_a_list_answers_htmx_aimed_elsewhere_with_the_whole_page(client, world, name):
    """A boosted link into the list from elsewhere (or a history restore) gets a whole page,
    never a region that would be drawn without its page around it."""
    for headers in ({"HX-Request": "true"}, {"HX-Request": "true", "HX-Target": "main-content"}):
        body = client.get(reverse(name), headers=headers).content.decode()
        assert body.count("<h1") == 1 and "<html" in body


@pytest.mark.parametrize("name", ["directory:organisations", "directory:suppliers"])
def test_a_list_lets_htmx_follow_only_its_sort_links(client, world, name):
    """Opening a row's own page is an ordinary link: HTMX swapping it into the results drew
    the whole organisation page inside the list (two headers, two h1s)."""
    page = get(client, name).content.decode()
    rows = [href for href, _, _ in links(page) if href.startswith(reverse(name)) and href != reverse(name)]
    assert rows, "the list should link to its rows' pages"
    assert boosted(page), "the sort links should still replace only the results"
    assert all(href.startswith("?") for href in boosted(page)), boosted(page)


def test_supplier_list_pages_and_keeps_its_filters(client, world):
    from tests.factories import SupplierFactory

    for number in range(60):
        SupplierFactory(slug=f"paged-{number:02d}", name=f"Paged {number:02d} Ltd", is_sme=True)
    first = get(client, "directory:suppliers", sme="yes", sort="name").content.decode()
    # Brightpath is the world's one SME: 61 in all, 50 a page.
    assert "61 suppliers, page 1 of 2" in first and "Paged 48 Ltd" in first and "Paged 49 Ltd" not in first
    assert 'class="govuk-pagination"' in first
    following = [href for href, _, _ in links(first) if "page=2" in href]
    assert following and all("sme=yes" in href and "sort=name" in href for href in following), following
    last = get(client, "directory:suppliers", sme="yes", sort="name", page=2).content.decode()
    assert "page 2 of 2" in last and "Paged 49 Ltd" in last and "Paged 59 Ltd" in last and "Brightpath" not in last
    # A page past the end shows the last; one that is not a number, the first.
    assert "page 2 of 2" in get(client, "directory:suppliers", sme="yes", page=99).content.decode()
    assert "page 1 of 2" in get(client, "directory:suppliers", sme="yes", page="x").content.decode()


def test_organisation_list_pages(client, world):
    from tests.factories import OrganisationFactory

    for number in range(55):
        OrganisationFactory(slug=f"paged-{number:02d}", short_name=f"Paged {number:02d}", networks=[world.london])
    first = get(client, "directory:organisations", name="paged").content.decode()
    assert "55 organisations, page 1 of 2" in first and "Paged 49" in first and "Paged 50" not in first
    assert any("name=paged" in href and "page=2" in href for href, _, _ in links(first))
    last = get(client, "directory:organisations", name="paged", page=2).content.decode()
    assert "Paged 54" in last and "Paged 00" not in last and "Camden" not in last


def test_organisation_list_reports_an_unknown_network(client, world):
    page = get(client, "directory:organisations", network="atlantis").content.decode()
    assert "govuk-error-message" in page


def test_organisation_page(client, world):
    response = get(client, "directory:organisation", "hackney")
    assert response.status_code == 200
    page = response.content.decode()
    assert "E0999" in page and "London" in page
    assert "Corporate services" in page and "Ledger" in page and "Quill" in page
    assert "Brightpath Services" in page  # supplier of Ledger, not its maker
    assert 'id="supplier-share-spec"' in page
    assert "Hackney payroll" in page  # ends in 200 days
    # Values are for members: the public reads the share of systems and a plain sentence.
    assert "Share of systems" in page and "£20,000" not in page
    assert "Contract values are shared with members of the network" in page


def test_organisation_page_shows_a_member_the_values_and_notes(client, world):
    System = type(world.hackney_quill)
    System.objects.filter(pk=world.hackney_quill.pk).update(notes="Payroll moves to the cloud next spring.")
    public = get(client, "directory:organisation", "hackney").content.decode()
    assert "Payroll moves" not in public and "Notes on systems are shared with members" in public
    sign_in_member(client, world.camden)
    page = get(client, "directory:organisation", "hackney").content.decode()
    assert "£20,000" in page and "Share of annual value" in page
    assert "Payroll moves to the cloud next spring." in page


def test_organisation_page_with_nothing_mapped(client, world):
    page = get(client, "directory:organisation", "rutland").content.decode()
    assert "No systems have been mapped for Rutland yet." in page


def test_supplier_list_filters_and_sorts(client, world):
    page = get(client, "directory:suppliers", sme="yes").content.decode()
    assert "Brightpath" in page and "Northwind Systems</a></th>" not in page
    page = get(client, "directory:suppliers", sort="-name").content.decode()
    assert page.index("Quillstone") < page.index("Brightpath")


def test_supplier_page_tells_maker_from_reseller(client, world):
    page = get(client, "directory:supplier", "brightpath").content.decode()
    assert "Parkwise" in page and "Ledger" in page
    assert "Supplies it; made by" in page and "Makes and supplies it" in page
    assert 'id="supplier-area-share-spec"' in page
    assert "Northwind Systems" in page  # parent company


def test_supplier_page_pages_who_uses_it(client, world, monkeypatch):
    """A large supplier's systems run to hundreds: they are listed a page at a time, and a
    bad page number shows a real page, as on the other lists."""
    monkeypatch.setattr(directory_views, "SUPPLIER_SYSTEMS_PAGE_SIZE", 1)
    first = get(client, "directory:supplier", "brightpath").content.decode()
    total = int(re.search(r"([\d,]+) systems: 1 to 1, page 1 of", first).group(1))
    assert total >= 2 and 'aria-label="Pages of who uses it"' in first and "?page=2#users" in first
    pages = [get(client, "directory:supplier", "brightpath", page=n).content.decode() for n in range(1, total + 1)]
    rows = [re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/organisations/[^"]+/">', page) for page in pages]
    assert all(len(found) >= 1 for found in rows)
    assert f"page {total} of {total}" in get(client, "directory:supplier", "brightpath", page=999).content.decode()
    assert "page 1 of" in get(client, "directory:supplier", "brightpath", page="x", ending_page="y").content.decode()


def test_supplier_page_with_nothing(client, world):
    from tests.factories import SupplierFactory

    SupplierFactory(slug="idle", name="Idle Ltd")
    page = get(client, "directory:supplier", "idle").content.decode()
    assert "Idle Ltd makes none of the products mapped here." in page


@pytest.mark.parametrize("size", [3, 20])
@pytest.mark.parametrize(
    ("name", "args", "bound"),
    [
        # Each page's own queries, and the Viewer's two (memberships and the networks' settings).
        # The lists add the count of their rows that paging needs.
        ("directory:organisations", (), 3 + 2),
        # The organisation page also reads its freshness badges: the review period, its
        # systems and its contracts, each with whether it is linked.
        ("directory:organisation", ("camden",), 11 + 4 + 2),
        ("directory:suppliers", (), 2 + 2),
        # The supplier page's market share per service area counts shown and hidden contracts
        # in two grouped queries (a subquery per area took minutes at the uk tier).
        # Its two paged lists (who uses it, contracts ending) each count their rows.
        ("directory:supplier", ("brightpath",), 17 + 2),
    ],
)
def test_query_count_does_not_grow_with_data(client, world, django_assert_max_num_queries, size, name, args, bound):
    grow(world, size)
    with django_assert_max_num_queries(bound):
        assert get(client, name, *args).status_code == 200
