"""Demo accounts: one person for each role in the London network, so anyone trying the demo
can see what each role sees. Made only in demo mode; running again changes nothing.

Every account shares DEMO_PASSWORD, which is printed by `citytools demo` and listed in the
README. It passes the configured password validators, as any real password must.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Count

from citytools.accounts.models import Role, User
from citytools.core.errors import DomainError
from citytools.demo import catalogue as cat
from citytools.demo.toronto import ACCOUNT_SUPPLIERS, TORONTO_IDENTIFIER
from citytools.directory.models import Network, Organisation, Supplier

DEMO_PASSWORD = "town-hall-demo-map-2031"
DOMAIN = "demo.citytools.invalid"
# Camden: the London borough the member and editor accounts belong to.
DEMO_ORGANISATION_GSS = "E09000007"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str  # what the role is, for people reading the demo's output


def _largest_supplier():
    """The supplier with the most contracts in the demo, so the vendor account has most to see."""
    return (
        Supplier.objects.annotate(contract_count=Count("contracts"))
        .filter(contract_count__gt=0)
        .order_by("-contract_count", "name")
        .first()
    )


def _partnering_specs() -> list:
    """The people of the demo's Invitations to Partner (citytools.demo.partnering): the City of
    Toronto's challenge owner, procurement steward and three evaluators, and four applicants,
    each a vendor user of a different invented small firm. None until Toronto is in the demo."""
    toronto = Organisation.objects.filter(identifier=TORONTO_IDENTIFIER).first()
    if toronto is None:
        return []
    specs = [
        ("owner", "Demo Challenge Owner", {"kind": Role.Kind.EDITOR, "organisation": toronto},
         f"challenge owner: editor of {toronto.name}"),
        ("steward", "Demo Procurement Steward", {"kind": Role.Kind.MEMBER, "organisation": toronto},
         f"procurement steward: member of {toronto.name}"),
    ]
    specs += [
        (f"evaluator{n}", f"Demo Evaluator {n}", {"kind": Role.Kind.MEMBER, "organisation": toronto},
         f"evaluator: member of {toronto.name}")
        for n in (1, 2, 3)
    ]
    for account, slug in ACCOUNT_SUPPLIERS.items():
        supplier = Supplier.objects.filter(slug=slug).first()
        if supplier is not None:
            specs.append(
                (account, f"Demo Applicant {account[-1]}", {"kind": Role.Kind.VENDOR, "supplier": supplier},
                 f"applicant: vendor user of {supplier}")
            )
    return specs


@transaction.atomic
def create_demo_people() -> list[DemoAccount]:
    """Make sure each demo account exists with its one role; returns them for printing."""
    if not settings.DEMO_MODE:
        raise DomainError("Demo accounts are only made with demo mode on: set CITYTOOLS_DEMO_MODE=1.", code="demo_mode_off")
    network = Network.objects.filter(slug=cat.NETWORK_SLUG).first()
    camden = Organisation.objects.filter(identifier=DEMO_ORGANISATION_GSS).first()
    supplier = _largest_supplier()
    if network is None or camden is None or supplier is None:
        raise DomainError("Build the demo data first: the London network, Camden and a supplier are needed.")
    specs = [
        ("member", "Demo Member", {"kind": Role.Kind.MEMBER, "organisation": camden}, f"member of {camden}"),
        ("editor", "Demo Editor", {"kind": Role.Kind.EDITOR, "organisation": camden}, f"editor of {camden}"),
        ("coordinator", "Demo Coordinator", {"kind": Role.Kind.COORDINATOR, "network": network}, f"coordinator of {network}"),
        ("vendor", "Demo Vendor", {"kind": Role.Kind.VENDOR, "supplier": supplier}, f"vendor user of {supplier}"),
        ("admin", "Demo Admin", {"kind": Role.Kind.ADMIN}, "platform admin"),
        *_partnering_specs(),
    ]
    accounts = []
    for name, full_name, role, description in specs:
        email = f"{name}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name)
            validate_password(DEMO_PASSWORD, user=user)
            user.set_password(DEMO_PASSWORD)
            user.save()
        elif not user.check_password(DEMO_PASSWORD) or user.full_name != full_name or not user.is_active:
            # Put back what a visitor changed, but leave an untouched account exactly as it is.
            user.set_password(DEMO_PASSWORD)
            user.full_name = full_name
            user.is_active = True
            user.save()
        if role["kind"] == Role.Kind.VENDOR:
            # The largest supplier can change when the demo is rebuilt with another seed.
            Role.objects.filter(user=user, kind=Role.Kind.VENDOR).exclude(supplier=role["supplier"]).delete()
        Role.objects.get_or_create(user=user, **role)
        accounts.append(DemoAccount(email=email, full_name=full_name, role=description))
    return accounts
