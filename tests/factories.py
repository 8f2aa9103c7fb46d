"""factory_boy factories for every model; tests build what they need from these."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from citytools.contracts.models import Contract
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Network {n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"London Borough of Testing {n}")
    short_name = factory.Sequence(lambda n: f"Testing {n}")
    identifier = factory.Sequence(lambda n: f"E0999{n:04d}")
    kind = "London borough"
    region = "London"
    nation = "England"
    population = 250_000

    @factory.post_generation
    def networks(self, create, extracted, **kwargs):
        if create and extracted:
            for network in extracted:
                NetworkMembership.objects.create(network=network, organisation=self)


class SupplierFactory(DjangoModelFactory):
    class Meta:
        model = Supplier

    slug = factory.Sequence(lambda n: f"supplier-{n}")
    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    is_sme = False


class ServiceAreaGroupFactory(DjangoModelFactory):
    class Meta:
        model = ServiceArea

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = ServiceArea.Kind.FRONTLINE
    position = factory.Sequence(lambda n: n)


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = ServiceArea

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")
    parent = factory.SubFactory(ServiceAreaGroupFactory)
    kind = factory.SelfAttribute("parent.kind")
    position = factory.Sequence(lambda n: n)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    slug = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    manufacturer = factory.SubFactory(SupplierFactory)


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = System
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    product = factory.SubFactory(ProductFactory)
    hosting = System.Hosting.SAAS
    status = System.Status.LIVE

    @factory.post_generation
    def service_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_areas.set(extracted)


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    supplier = factory.SubFactory(SupplierFactory)
    title = factory.Sequence(lambda n: f"Contract {n}")
    total_value = Decimal("300000")
    annual_value = Decimal("100000")
    currency = "GBP"
    start_date = datetime.date(2024, 4, 1)
    end_date = datetime.date(2027, 3, 31)

    @factory.post_generation
    def systems(self, create, extracted, **kwargs):
        if create and extracted:
            self.systems.set(extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class RoleFactory(DjangoModelFactory):
    """A role; give kind and the one scope it needs (organisation, network or supplier)."""

    class Meta:
        model = "accounts.Role"

    user = factory.SubFactory(UserFactory)
    kind = "member"
