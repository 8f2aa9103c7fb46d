"""The inventory API: each endpoint, its filters, pagination, and problem+json refusals."""

import datetime

import pytest

from citytools.accounts.viewer import Viewer
from citytools.core.dates import today
from citytools.market.inventory_queries import MatrixFilters, build_matrix


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


def test_products_list_with_filters_and_pagination(client, inventory):
    body = get(client, "/api/v1/products")
    assert body["count"] == 3
    housepro = next(item for item in body["items"] if item["slug"] == "housepro")
    assert housepro["manufacturer"] == {"slug": "acme", "name": "Acme Civic"}
    assert housepro["organisations"] == 2
    assert [a["slug"] for a in housepro["service_areas"]] == ["housing-management", "homelessness"]

    assert [p["slug"] for p in get(client, "/api/v1/products?manufacturer=beacon")["items"]] == ["shelter"]
    assert [p["slug"] for p in get(client, "/api/v1/products?service_area=finance")["items"]] == ["revplus"]
    page = get(client, "/api/v1/products?sort=-users&limit=1&offset=1")
    assert page["count"] == 3 and [p["slug"] for p in page["items"]] == ["shelter"]


def test_products_list_refuses_an_unknown_sort(client, inventory):
    """The sorts are an enum in the schema, as every list's are: another is a 422."""
    response = client.get("/api/v1/products?sort=price")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["sort"]


def test_product_detail_has_users_routes_and_share(client, inventory):
    body = get(client, "/api/v1/products/housepro")
    assert body["manufacturer"]["slug"] == "acme"
    assert [(r["supplier"]["slug"], r["organisations"], r["is_manufacturer"]) for r in body["supplied_by"]] == [
        ("acme", 1, True),
        ("resell", 1, False),
    ]
    users = {u["organisation"]["slug"]: u for u in body["users"]}
    assert users["hackney"]["supplier"] == {"slug": "resell", "name": "Resell Partners"}
    assert users["camden"]["supplier"] is None
    assert users["camden"]["service_areas"] == ["housing-management", "homelessness"]
    assert users["camden"]["contract_end"] == (today() + datetime.timedelta(days=90)).isoformat()
    share = body["share"]
    assert share["organisations"] == 3
    assert {row["slug"]: row["organisations"] for row in share["rows"]} == {"housepro": 2, "shelter": 2}
    assert share["currency"] == "GBP"


@pytest.mark.parametrize("url", ["/api/v1/products/nope", "/api/v1/service-areas/nope"])
def test_unknown_slug_is_problem_json_404(client, inventory, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_service_areas_list_is_the_taxonomy_in_order(client, inventory):
    body = get(client, "/api/v1/service-areas")
    assert [(a["slug"], a["group"]) for a in body["items"]] == [
        ("housing", None),
        ("housing-management", "housing"),
        ("homelessness", "housing"),
        ("finance", None),
        ("revenues", "finance"),
        ("payroll", "finance"),
    ]
    assert body["items"][0]["organisations"] == 3
    assert get(client, "/api/v1/service-areas?limit=2&offset=4")["items"][0]["slug"] == "revenues"


def test_service_area_detail_for_an_area_and_a_group(client, inventory):
    area = get(client, "/api/v1/service-areas/housing-management")
    assert area["group"] == "housing"
    assert [u["organisation"]["slug"] for u in area["users"]] == ["camden", "hackney"]
    assert {r["slug"]: r["organisations"] for r in area["provider_share"]["rows"]} == {"acme": 1, "resell": 1}
    assert [r["slug"] for r in area["product_share"]["rows"]] == ["housepro"]
    group = get(client, "/api/v1/service-areas/housing")
    assert [a["slug"] for a in group["areas"]] == ["housing-management", "homelessness"]
    assert group["users"] == [] and group["organisations"] == 3


def test_service_area_detail_pages_its_users_with_limit_and_offset(client, inventory):
    def users(body):
        return [(u["organisation"]["slug"], u["product"]["slug"]) for u in body["users"]]

    whole = get(client, "/api/v1/service-areas/homelessness")
    assert (whole["count"], whole["limit"], whole["offset"]) == (3, 100, 0)
    assert users(whole) == [("camden", "housepro"), ("camden", "shelter"), ("leeds", "shelter")]
    first = get(client, "/api/v1/service-areas/homelessness?limit=2")
    second = get(client, "/api/v1/service-areas/homelessness?limit=2&offset=2")
    assert users(first) + users(second) == users(whole)
    assert first["count"] == second["count"] == 3 and (second["limit"], second["offset"]) == (2, 2)
    # The shares and counts are the whole area's on every page.
    assert first["provider_share"] == second["provider_share"] == whole["provider_share"]
    assert first["organisations"] == second["organisations"] == 2
    beyond = get(client, "/api/v1/service-areas/homelessness?offset=10")
    assert beyond["users"] == [] and beyond["count"] == 3
    group = get(client, "/api/v1/service-areas/housing?limit=1")
    assert group["users"] == [] and group["count"] == 0 and len(group["areas"]) == 2


@pytest.mark.parametrize("query", ["?limit=501", "?limit=0", "?limit=x", "?offset=-1", "?offset=10000000000000"])
def test_service_area_detail_refuses_out_of_range_paging(client, inventory, query):
    response = client.get(f"/api/v1/service-areas/homelessness{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [("barnet", "revplus"), ("camden", "housepro"), ("camden", "shelter"), ("hackney", "housepro"), ("leeds", "shelter")]),
        ("?organisation=camden", [("camden", "housepro"), ("camden", "shelter")]),
        ("?product=shelter", [("camden", "shelter"), ("leeds", "shelter")]),
        ("?supplier=resell", [("hackney", "housepro")]),
        ("?supplier=acme", [("barnet", "revplus"), ("camden", "housepro"), ("hackney", "housepro")]),
        ("?service_area=homelessness", [("camden", "housepro"), ("camden", "shelter"), ("leeds", "shelter")]),
        ("?service_area=housing&network=london", [("camden", "housepro"), ("camden", "shelter"), ("hackney", "housepro")]),
    ],
)
def test_systems_filters(client, inventory, query, expected):
    body = get(client, f"/api/v1/systems{query}")
    assert [(s["organisation"]["slug"], s["product"]["slug"]) for s in body["items"]] == expected
    assert body["count"] == len(expected)


def test_system_names_maker_supplier_and_provider(client, inventory):
    (system,) = get(client, "/api/v1/systems?supplier=resell")["items"]
    assert system["manufacturer"]["slug"] == "acme"
    assert system["supplier"]["slug"] == "resell"
    assert system["provider"]["slug"] == "resell"
    assert system["service_areas"] == [{"slug": "housing-management", "name": "Housing management"}]


def test_systems_pagination(client, inventory):
    first = get(client, "/api/v1/systems?limit=2")
    second = get(client, "/api/v1/systems?limit=2&offset=2")
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == 2
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}


def test_matrix_matches_the_query_the_page_uses(client, inventory):
    body = get(client, "/api/v1/matrix?group=housing&sort=area:homelessness")
    matrix = build_matrix(MatrixFilters(network="london", group="housing", sort="area:homelessness"), viewer=Viewer.public())
    assert [c["slug"] for c in body["columns"]] == [c.slug for c in matrix.columns]
    assert [r["organisation"]["slug"] for r in body["rows"]] == [r.slug for r in matrix.rows]
    camden = body["rows"][0]
    assert camden["organisation"]["slug"] == "camden"
    homelessness = next(c for c in camden["cells"] if c["service_area"] == "homelessness")
    assert [(s["product"]["slug"], s["provider"]["slug"], s["band"]) for s in homelessness["systems"]] == [
        ("housepro", "acme", "lt6m"),
        ("shelter", "beacon", "ended"),
    ]
    assert (body["organisations"], body["service_areas"], body["systems"]) == (2, 2, 3)


def test_matrix_filters(client, inventory):
    day = today()
    body = get(client, f"/api/v1/matrix?network=&ends_from={day + datetime.timedelta(days=900)}")
    assert [r["organisation"]["slug"] for r in body["rows"]] == ["leeds"]
    body = get(client, "/api/v1/matrix?supplier=resell&show_empty=true")
    assert len(body["rows"]) == 3 and len(body["columns"]) == 4


@pytest.mark.parametrize(
    ("query", "status"),
    [("?ends_from=2030-01-01&ends_to=2029-01-01", 400), ("?sort=price", 422), ("?ends_from=tomorrow", 422)],
)
def test_matrix_refuses_bad_filters_as_problem_json(client, inventory, query, status):
    response = client.get(f"/api/v1/matrix{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


def test_every_operation_has_a_name_and_summary():
    from citytools.market.inventory_api import router

    operations = [op for view in router.path_operations.values() for op in view.operations]
    assert len(operations) == 6
    assert all(op.url_name and op.summary for op in operations)


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "offset=926870220021334802432"])
def test_pagination_bounds_are_refused_as_problem_json(client, inventory, query):
    response = client.get(f"/api/v1/systems?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_matrix_pages_by_organisation_with_limit_and_offset(client, inventory):
    whole = get(client, "/api/v1/matrix?network=&sort=-name")
    assert whole["count"] == whole["organisations"] == 4 and (whole["limit"], whole["offset"]) == (25, 0)
    first = get(client, "/api/v1/matrix?network=&sort=-name&limit=3")
    last = get(client, "/api/v1/matrix?network=&sort=-name&limit=3&offset=3")
    assert [len(first["rows"]), len(last["rows"])] == [3, 1]
    # The filters and the sort hold across pages; the columns and totals are the whole matrix's.
    assert [r["organisation"]["slug"] for r in first["rows"] + last["rows"]] == [
        r["organisation"]["slug"] for r in whole["rows"]
    ] == ["leeds", "hackney", "camden", "barnet"]
    assert first["columns"] == last["columns"] == whole["columns"]
    assert first["systems"] == last["systems"] == whole["systems"]
    beyond = get(client, "/api/v1/matrix?network=&offset=10")
    assert beyond["rows"] == [] and beyond["count"] == 4


@pytest.mark.parametrize("query", ["?limit=101", "?limit=0", "?limit=99999999999999999999", "?offset=-1", "?offset=10000000000000"])
def test_matrix_refuses_out_of_range_paging_as_problem_json(client, inventory, query):
    response = client.get(f"/api/v1/matrix{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("query", ["?limit=501", "?limit=0", "?offset=-1"])
def test_products_list_refuses_out_of_range_paging(client, inventory, query):
    response = client.get(f"/api/v1/products{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
