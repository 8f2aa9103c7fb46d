import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_a_contract_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2025, 3, 31))


def test_a_contract_value_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(annual_value=Decimal("-1"))


def test_an_extension_cannot_end_before_the_contract():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(end_date=datetime.date(2026, 3, 31), extension_end_date=datetime.date(2026, 1, 1))


def test_references_are_unique_within_an_organisation_but_may_be_blank():
    first = ContractFactory(reference="")
    ContractFactory(organisation=first.organisation, reference="")
    ContractFactory(organisation=first.organisation, reference="CF-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(organisation=first.organisation, reference="CF-1")
