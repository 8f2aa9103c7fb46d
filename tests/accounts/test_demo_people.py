"""Demo accounts: one per role in the London network, demo mode only, idempotent."""

import io

import pytest
from django.core.management import call_command

from citytools.accounts.models import Role, User
from citytools.core.errors import DomainError
from citytools.demo.people import DEMO_PASSWORD, create_demo_people

pytestmark = pytest.mark.django_db


def snapshot():
    users = list(User.objects.order_by("pk").values_list("pk", "email", "password", "full_name", "is_active"))
    roles = list(Role.objects.order_by("pk").values_list("pk", "user_id", "kind", "organisation_id", "network_id", "supplier_id"))
    return users, roles


def test_demo_accounts_exist_with_their_roles_and_a_second_run_changes_nothing(demo_mode):
    output = io.StringIO()
    call_command("demo", "--as-of", "2025-06-01", stdout=output)
    text = output.getvalue()
    assert DEMO_PASSWORD in text
    roles = {
        role.user.email: role
        for role in Role.objects.select_related("user", "organisation", "network", "supplier")
    }
    assert roles["member@demo.citytools.invalid"].kind == "member"
    assert roles["member@demo.citytools.invalid"].organisation.short_name == "Camden"
    assert roles["editor@demo.citytools.invalid"].kind == "editor"
    assert roles["editor@demo.citytools.invalid"].organisation.short_name == "Camden"
    assert roles["coordinator@demo.citytools.invalid"].network.slug == "london"
    vendor = roles["vendor@demo.citytools.invalid"]
    assert vendor.kind == "vendor" and vendor.supplier.contracts.exists()
    assert roles["admin@demo.citytools.invalid"].kind == "admin"
    for email in roles:
        if not User.objects.get(email=email).has_usable_password():
            continue  # the demo's other applicants' authors, who cannot sign in
        assert email in text
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
        assert Role.objects.filter(user__email=email).count() == 1

    before = snapshot()
    call_command("demo", "--as-of", "2025-06-01", stdout=io.StringIO())
    assert snapshot() == before


def test_a_changed_demo_password_is_put_back(demo_mode):
    call_command("demo", "--as-of", "2025-06-01", stdout=io.StringIO())
    user = User.objects.get(email="member@demo.citytools.invalid")
    user.set_password("something-else-entirely-9")
    user.save()
    create_demo_people()
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_no_demo_accounts_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(DomainError, match="demo mode"):
        create_demo_people()
    assert not User.objects.exists()
