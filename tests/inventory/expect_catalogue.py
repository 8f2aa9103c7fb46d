"""Authorization expectations for catalogue proposals (citytools.inventory.catalogue_services).

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.
An organisation's editors propose entries for it; its staff, its networks' coordinators and
admins read its proposals; those coordinators and admins decide (tests/inventory/catalogue_access.py).
"""

from tests.expect import (
    COORDINATOR,
    EDITOR,
    SIGNED_IN,
    STAFF_OF,
    Expect,
    api,
    organisation_slug,
    page,
    targeted,
)
from tests.inventory.catalogue_access import proposal

readers = STAFF_OF | COORDINATOR
page_pk = lambda w, t: {"pk": proposal(w, t).pk}  # noqa: E731
api_pk = lambda w, t: {"proposal_id": proposal(w, t).pk}  # noqa: E731
propose_form = lambda w, t, m: {"kind": "supplier", "name": f"Matrix supplier for {t}"}  # noqa: E731

EXPECTATIONS: dict[str, Expect] = {
    "inventory:catalogue_propose": page(EDITOR, write=EDITOR, **targeted(organisation_slug), data=propose_form),
    "inventory:catalogue_proposals": page(SIGNED_IN),
    "inventory:catalogue_proposal": page(
        readers, write=COORDINATOR, **targeted(page_pk), data=lambda w, t, m: {"decision": "reject", "reason": "Matrix"}
    ),
    "api:catalogue_proposals": api(SIGNED_IN)(),
    "api:catalogue_propose": api(None, post=EDITOR)(**targeted(organisation_slug), data=propose_form),
    "api:catalogue_proposal": api(readers)(**targeted(api_pk)),
    "api:catalogue_decide": api(None, post=COORDINATOR)(
        **targeted(api_pk), data=lambda w, t, m: {"decision": "reject", "reason": "Matrix"}
    ),
}
