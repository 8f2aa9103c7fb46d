"""The API's OpenAPI document is served and valid, and every GET operation answers what it
documents: schemathesis generates requests from the schema and checks each response."""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from ninja.responses import NinjaJSONEncoder

from citytools.api import api as citytools_api
from citytools.wsgi import application
from tests.factories import (
    ContractFactory,
    NetworkFactory,
    OrganisationFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)

OPENAPI = "/api/v1/openapi.json"


@pytest.fixture
def sample_rows(db):
    """A few linked rows, so list and detail operations have something to return."""
    london = NetworkFactory(slug="london", name="London")
    supplier = SupplierFactory(name="Northwind Civic", slug="northwind-civic")
    product = ProductFactory(name="Casebook", slug="casebook", manufacturer=supplier)
    area = ServiceAreaFactory(name="Housing management", slug="housing-management")
    for n in range(3):
        organisation = OrganisationFactory(networks=[london])
        system = SystemFactory(organisation=organisation, product=product, service_areas=[area])
        ContractFactory(organisation=organisation, supplier=supplier, systems=[system])


@pytest.fixture
def same_connection():
    """Keeps the test's database connection open while the WSGI app answers.

    Called directly, the app fires request_started/request_finished, which close the
    connection and with it the test's transaction; Django's test client does the same
    disconnection for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)




def _document() -> dict:
    """The OpenAPI document the API serves, built without a request: every request runs the
    middleware, which reads the database (deadlines close on each request), and there is no
    test database yet while the module is imported. The served document is checked to be
    the same one below."""
    return json.loads(json.dumps(citytools_api.get_openapi_schema(path_prefix="/api/v1/"), cls=NinjaJSONEncoder))


# Loaded at import, not through schemathesis.pytest.from_fixture: its lazy loader does not
# work with the installed pytest.
schema = schemathesis.openapi.from_dict(_document()).include(method="GET")
schema.app = application
schema.location = OPENAPI


def test_openapi_document_is_served_and_valid(client, db):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    document = response.json()
    # Raises when the document breaks the OpenAPI meta-schema.
    schemathesis.openapi.from_dict(document).validate()
    assert document["info"]["title"] == "City Tools API"
    assert document == _document(), "the document under test is not the one the API serves"
    assert "/api/v1/search" in document["paths"]


def test_interactive_docs_are_served_from_the_site_itself(client, db):
    """Swagger UI from a CDN was blocked by the site's own Content-Security-Policy, and the
    page stayed blank: every script and style comes from /static/, and none is inline."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    resources = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in resources), resources
    assert all(url.startswith("/static/") for url in resources), resources
    assert "//" not in "".join(resources)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"'], inline
    options = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert options["url"] == "/api/v1/openapi.json" and options["validatorUrl"] is None


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_get_operations_conform_to_the_schema(case, sample_rows, same_connection):
    case.call_and_validate(
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance]
    )
