"""The API as its tests see it: the OpenAPI document it serves, and a small world whose
records the generated requests aim at (tests/test_api_schema.py, tests/test_api_writes.py)."""

import datetime
import json
from decimal import Decimal

from ninja.responses import NinjaJSONEncoder

from citytools.api import api
from citytools.notices.models import Notice, Suggestion
from citytools.notices.services import offered
from tests.factories import (
    ContractFactory,
    NetworkFactory,
    OrganisationFactory,
    ProductFactory,
    RoleFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
    UserFactory,
)


def document() -> dict:
    """The OpenAPI document the API serves, built without a request: every request runs the
    middleware, which reads the database (deadlines close on each request), and there is no
    test database yet while a test module is imported. tests/test_api_schema.py checks it
    is the document served."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), cls=NinjaJSONEncoder))


def suggestion_for(organisation, *, supplier, area):
    """A new contract a public notice suggests to `organisation`, waiting for review: written
    as the import service writes it (citytools.notices.services.offered), without running an
    import for every operation the schema tests try."""
    notice = Notice.objects.create(
        ocid="ocds-b5fd17-schema", source="contracts_finder", digest="0" * 64, release_ids=["1"],
        released=datetime.date(2025, 1, 10), title="Housing repairs system", buyer_name=organisation.name,
        organisation=organisation, matched_by="name", suppliers=[{"name": supplier.name, "identifier": None}],
        cpv_codes=["48000000"], it=True, service_area=area, area_reason="The title says 'housing repairs'.",
        value=Decimal("120000"), currency="GBP", start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2028, 3, 31),
        route="open",
    )
    return Suggestion.objects.create(
        notice=notice, organisation=organisation, kind=Suggestion.Kind.NEW, facts=offered(notice), supplier=supplier,
        notice_digest=notice.digest,
    )


class World:
    """A few linked rows, and the records a path parameter should name so that writes reach
    the services rather than stopping at 404: an organisation the editor edits, in the
    network they coordinate, with a system and a contract."""

    def __init__(self):
        self.network = NetworkFactory(slug="london", name="London")
        supplier = SupplierFactory(name="Northwind Civic", slug="northwind-civic")
        self.product = ProductFactory(name="Casebook", slug="casebook", manufacturer=supplier)
        self.area = ServiceAreaFactory(name="Housing management", slug="housing-management")
        organisations = []
        for _ in range(3):
            organisation = OrganisationFactory(networks=[self.network])
            system = SystemFactory(organisation=organisation, product=self.product, service_areas=[self.area])
            contract = ContractFactory(organisation=organisation, supplier=supplier, systems=[system])
            organisations.append((organisation, system, contract))
        self.organisation, self.system, self.contract = organisations[0]
        self.editor = UserFactory(email="editor@example.org")
        RoleFactory(user=self.editor, kind="editor", organisation=self.organisation)
        RoleFactory(user=self.editor, kind="coordinator", network=self.network)
        self.suggestion = suggestion_for(self.organisation, supplier=supplier, area=self.area)
        # (first path segment, parameter) -> a value naming a real record.
        self.targets = {
            ("organisations", "slug"): self.organisation.slug,
            ("networks", "slug"): self.network.slug,
            ("products", "slug"): self.product.slug,
            ("service-areas", "slug"): self.area.slug,
            ("suppliers", "slug"): supplier.slug,
            ("systems", "system_id"): self.system.pk,
            ("contracts", "contract_id"): self.contract.pk,
            ("suggestions", "suggestion_id"): self.suggestion.pk,
            ("registers", "name"): "libraries",
        }

    def aim(self, case) -> None:
        """Point every other valid positive request at a real record. Negative path
        parameters are left as generated: they must be refused."""
        if case.meta is None or case.meta.generation.mode.is_negative or not case.path_parameters:
            return
        if hash(json.dumps(case.body, sort_keys=True, default=str)) % 2:
            return
        segment = case.operation.path.split("/")[3]
        for name, value in case.path_parameters.items():
            target = self.targets.get((segment, name))
            if target is not None and isinstance(value, type(target)):
                case.path_parameters[name] = target
