import datetime

import pytest
from django.test import override_settings

from citytools.contracts.models import Contract
from citytools.demo.builder import build_demo
from citytools.demo.catalogue import DEFAULT_SEED
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System

AS_OF = datetime.date(2025, 6, 1)


def clear_demo_tables():
    """Delete every row the demo writes, dependants first."""
    Contract.objects.all().delete()
    System.objects.all().delete()
    Product.objects.all().delete()
    Supplier.objects.all().delete()
    NetworkMembership.objects.all().delete()
    Network.objects.all().delete()
    ServiceArea.objects.leaves().delete()
    ServiceArea.objects.all().delete()
    Organisation.objects.all().delete()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, built once per module and committed, then removed so later modules start
    from an empty database. Tests that use it must not write outside their own transaction."""
    with django_db_blocker.unblock():
        with override_settings(DEMO_MODE=True):
            summary = build_demo(as_of=AS_OF, seed=DEFAULT_SEED)
        try:
            yield summary
        finally:
            clear_demo_tables()
