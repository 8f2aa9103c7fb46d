"""The system as an editable record (citytools.core.records), and the system page.

The five editing pages (add, change, retire, history, restore) are the generic ones of
citytools.core.records, given the system's kind below; its API is citytools.inventory.edit_api.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from citytools.accounts.rules import Kind
from citytools.core import history
from citytools.core.records import RecordKind, history_entries
from citytools.directory.models import Organisation, Supplier
from citytools.inventory import services
from citytools.inventory.edit_forms import SystemForm
from citytools.inventory.models import Product, System


def _systems(viewer):
    return System.objects.visible_to(viewer).select_related(
        "organisation", "product__manufacturer", "supplier"
    )


def systems_for_history(viewer):
    """Systems whose history this viewer may read: those they may see, retired ones too."""
    return System.objects.filter(viewer.systems_q()).select_related("organisation", "product")


def system_history_entries(system: System, viewer) -> list[history.Entry]:
    """A system's history as this viewer may read it: notes follow the organisation's setting for comments."""
    return history_entries(
        system,
        viewer,
        hidden=set() if viewer.can_see(Kind.COMMENTS, system.organisation_id) else {"notes"},
        # A proposed entry the viewer may not see (another organisation's) stays unnamed.
        related={"product": Product.entries.visible_to(viewer), "supplier": Supplier.entries.visible_to(viewer)},
    )


SYSTEM = RecordKind(
    name="system",
    app="inventory",
    plural="systems",
    form=SystemForm,
    owners=Organisation.objects.all(),
    create=services.create_system,
    update=services.update_system,
    retire=services.retire_system,
    restore=services.restore_version,
    visible=_systems,
    readable=systems_for_history,
    entries=system_history_entries,
    url=lambda system: reverse("inventory:system", args=[system.pk]),
    title=lambda system: system.product.name,
    label=lambda system: f"{system.product.name} at {system.organisation}",
    retire_title=lambda system: f"Retire {system.product.name} at {system.organisation}?",
    retire_caption=lambda system: "Retire a system",
    leaves="the organisation’s inventory, the matrix and the market figures",
    add_initial={"status": System.Status.LIVE},
)


@require_safe
def system_detail(request, pk):
    system = get_object_or_404(_systems(request.viewer).prefetch_related("service_areas__parent"), pk=pk)
    request.viewer.redact_systems([system])
    contracts = request.viewer.redact_contracts(
        list(system.contracts.visible_to(request.viewer).select_related("supplier"))
    )
    return render(
        request,
        "inventory/edit/system.html",
        {
            "system": system,
            "contracts": contracts,
            "can_edit": request.viewer.can_edit(system.organisation_id),
            "can_restore": request.viewer.can_restore(system.organisation_id),
        },
    )
