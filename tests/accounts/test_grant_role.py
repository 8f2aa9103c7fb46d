import pytest
from django.core.management import CommandError, call_command

from citytools.accounts.models import Role, User
from citytools.accounts.viewer import Viewer
from tests.factories import NetworkFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_the_operator_creates_the_first_platform_admin():
    call_command("grant_role", "IT@Council.example", "admin")
    user = User.objects.get(email__iexact="it@council.example")
    assert not user.has_usable_password()
    assert Viewer.for_user(user).is_admin


def test_granting_twice_gives_one_role_and_vendor_roles_name_their_supplier():
    supplier = SupplierFactory(slug="firm")
    call_command("grant_role", "sales@firm.example", "vendor", "--supplier", "firm")
    call_command("grant_role", "sales@firm.example", "vendor", "--supplier", "firm")
    assert Role.objects.filter(kind="vendor", supplier=supplier).count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["a@b.example", "coordinator"], "held in a network"),
        (["a@b.example", "admin", "--network", "north"], "not held in a network"),
        (["a@b.example", "chief"], "Unknown role"),
        (["a@b.example", "vendor", "--supplier", "nobody"], "No supplier"),
    ],
)
def test_wrong_roles_are_refused_and_nothing_is_created(args, message):
    NetworkFactory(slug="north")
    with pytest.raises(CommandError, match=message):
        call_command("grant_role", *args)
    assert not User.objects.exists() and not Role.objects.exists()


@pytest.mark.parametrize("email", ["nul\x00@b.example", "bell\x07@b.example", "\udcff@b.example"])
def test_arguments_the_text_rule_refuses_are_refused_and_nothing_is_created(email):
    """Every command's arguments pass the site's one text rule (citytools.core.text); bytes
    that are not UTF-8 arrive from the shell as unpaired surrogates such as U+DCFF."""
    with pytest.raises(CommandError, match="“email” contains"):
        call_command("grant_role", email, "admin")
    assert not User.objects.exists() and not Role.objects.exists()
