import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, ProductFactory, SupplierFactory

URL = reverse("search:search")


@pytest.fixture
def data(db):
    OrganisationFactory(
        name="London Borough of Barking and Dagenham", short_name="Barking and Dagenham",
        identifier="E09000002", slug="barking-and-dagenham",
    )
    SupplierFactory(name="Barkside Digital", slug="barkside-digital")


def test_empty_search_shows_guidance_not_everything(client, data):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Type a name" in html
    assert "Barkside Digital" not in html


def test_results_are_grouped_and_link_to_their_pages(client, data):
    html = client.get(URL, {"q": "bark"}).content.decode()
    assert "2 results for “bark”" in html
    assert '<h3 class="govuk-heading-s" id="search-group-organisations">Organisations' in html
    assert 'href="/organisations/barking-and-dagenham/"' in html
    assert 'href="/suppliers/barkside-digital/"' in html
    assert html.count("<h1") == 1


def test_the_form_works_without_javascript_and_is_enhanced_with_htmx(client, data):
    html = client.get(URL, {"q": "E09000002"}).content.decode()
    assert '<form method="get" action="/search/"' in html
    assert '<label class="govuk-label govuk-label--s" for="search-q">' in html
    assert 'id="search-q" name="q" type="search"' in html and 'value="E09000002"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#search-results"' in html and 'hx-push-url="true"' in html
    assert '<button type="submit"' in html


def test_htmx_request_gets_only_the_results(client, data):
    response = client.get(URL, {"q": "barking"}, headers={"HX-Request": "true", "HX-Target": "search-results"})
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html
    assert "Barking and Dagenham" in html
    assert "HX-Request" in response["Vary"] and "HX-Target" in response["Vary"]


def test_htmx_request_for_another_region_gets_the_whole_page(client, data):
    response = client.get(URL, {"q": "barking"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert response.content.decode().count("<h1") == 1


def test_htmx_history_restore_gets_the_whole_page(client, data):
    response = client.get(
        URL, {"q": "barking"}, headers={"HX-Request": "true", "HX-Target": "search-results", "HX-History-Restore-Request": "true"}
    )
    assert "<h1" in response.content.decode()


def test_no_results_says_so(client, data):
    html = client.get(URL, {"q": "zzzz"}).content.decode()
    assert "No results for “zzzz”" in html


def test_query_is_escaped(client, data):
    html = client.get(URL, {"q": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in html


def test_page_query_count_is_bounded(client, db, django_assert_max_num_queries):
    for n in range(25):
        SupplierFactory(name=f"Widget Works {n}")
        ProductFactory(name=f"Widget {n}")
    with django_assert_max_num_queries(4):
        client.get(URL, {"q": "widget"})
