"""The contract as an editable record (citytools.core.records).

The five editing pages (add, change, retire, history, restore) are the generic ones of
citytools.core.records, given the contract's kind below; its API is citytools.contracts.edit_api.
"""

from citytools.accounts.rules import Kind
from citytools.contracts import services
from citytools.contracts.edit_forms import ContractForm
from citytools.contracts.models import Contract
from citytools.core import history
from citytools.core.records import RecordKind, history_entries
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import System


def contracts_for_history(viewer):
    """Contracts whose history this viewer may read: those they may see, retired ones too."""
    return Contract.objects.filter(viewer.contracts_q()).select_related("organisation")


def contract_history_entries(contract: Contract, viewer) -> list[history.Entry]:
    """A contract's history as this viewer may read it: values only for those who may see
    the organisation's values."""
    return history_entries(
        contract,
        viewer,
        hidden=set() if viewer.can_see(Kind.VALUES, contract.organisation_id) else {"total_value", "annual_value"},
        related={
            # So does a proposed supplier the viewer may not see (another organisation's).
            "supplier": Supplier.entries.visible_to(viewer),
            # A linked system the viewer may not see (someone's confidential one) stays unnamed.
            "systems": System.objects.filter(viewer.systems_q()).select_related("product", "organisation"),
        },
    )


CONTRACT = RecordKind(
    name="contract",
    app="contracts",
    plural="contracts",
    form=ContractForm,
    owners=Organisation.objects.all(),
    create=services.create_contract,
    update=services.update_contract,
    retire=services.retire_contract,
    restore=services.restore_version,
    visible=lambda viewer: Contract.objects.visible_to(viewer).select_related("organisation", "supplier"),
    readable=contracts_for_history,
    entries=contract_history_entries,
    url=lambda contract: contract.get_absolute_url(),
    title=lambda contract: contract.title,
    label=lambda contract: f"“{contract.title}”",
    retire_title=lambda contract: f"Retire the contract “{contract.title}”?",
    retire_caption=lambda contract: f"Retire a contract of {contract.organisation}",
    leaves="the organisation’s pages, the contract lists and the market figures",
    add_initial={"currency": "GBP", "source": Contract.Source.ORGANISATION},
    change_heading=lambda contract: "Change this contract",
)
