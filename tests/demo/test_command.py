"""The `citytools demo` door: refusal outside demo mode, bad input, and the summary."""

import io

import pytest
from django.core.management import CommandError, call_command

from citytools.contracts.models import Contract
from citytools.directory.models import Organisation


@pytest.mark.django_db
def test_demo_refuses_without_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="CITYTOOLS_DEMO_MODE"):
        call_command("demo")
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_demo_refuses_a_date_it_cannot_read(demo_mode):
    with pytest.raises(CommandError, match="--as-of"):
        call_command("demo", "--as-of", "1/6/2025")
    with pytest.raises(CommandError, match="--as-of must be between 1 January 1900 and 31 December 2200"):
        call_command("demo", "--as-of", "9999-12-31")
    assert not Contract.objects.exists()


@pytest.mark.django_db
def test_demo_builds_and_prints_a_summary(demo_mode):
    output = io.StringIO()
    call_command("demo", "--as-of", "2025-06-01", stdout=output)
    text = output.getvalue()
    assert "Demo as of 01 June 2025" in text
    assert f"{Contract.objects.count()} contracts" in text
    assert "invented" in text


@pytest.mark.django_db
def test_the_demo_shows_the_public_registers_real_facts_and_invents_nothing_about_them(demo_mode):
    """The library register's products are real: the demo puts them on the map with the
    register as their source, and gives them no rating, contract, pain point or confirmation,
    also when it is run again."""
    from citytools.inventory.models import System
    from citytools.satisfaction.models import PainPoint, Rating

    output = io.StringIO()
    call_command("demo", "--as-of", "2025-06-01", stdout=output)
    call_command("demo", "--as-of", "2025-06-01", stdout=output)
    from_register = System.objects.filter(provenance__register="libraries")
    london = from_register.filter(organisation__memberships__network__slug="london")
    assert london.count() == 33 and from_register.count() > 200
    assert not from_register.filter(confirmed_at__isnull=False).exists()
    assert not Rating.objects.filter(system__in=from_register).exists()
    assert not Contract.objects.filter(systems__in=from_register).exists()
    assert not PainPoint.objects.filter(product__in=from_register.values("product")).exists()
    assert "Public register libraries" in output.getvalue() and "invents no rating" in output.getvalue()
