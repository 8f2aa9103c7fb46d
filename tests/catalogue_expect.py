"""Authorization expectations for catalogue proposals (citytools.inventory.catalogue_services).

`build(h)` gets tests/test_authorization.py as `h` and returns entries for its EXPECTATIONS.
An organisation's editors propose entries for it; its staff, its networks' coordinators and
admins read its proposals; those coordinators and admins decide (tests/catalogue_access.py).
"""

from tests.catalogue_access import proposal


def build(h) -> dict:
    readers = h.STAFF_OF | h.COORDINATOR
    page_pk = lambda w, t: {"pk": proposal(w, t).pk}  # noqa: E731
    api_pk = lambda w, t: {"proposal_id": proposal(w, t).pk}  # noqa: E731
    propose_form = lambda w, t, m: {"kind": "supplier", "name": f"Matrix supplier for {t}"}  # noqa: E731
    return {
        "inventory:catalogue_propose": h.page(h.EDITOR, write=h.EDITOR, **h.targeted(h.organisation_slug), data=propose_form),
        "inventory:catalogue_proposals": h.page(h.SIGNED_IN),
        "inventory:catalogue_proposal": h.page(
            readers, write=h.COORDINATOR, **h.targeted(page_pk), data=lambda w, t, m: {"decision": "reject", "reason": "Matrix"}
        ),
        "api:catalogue_proposals": h.api(h.SIGNED_IN)(),
        "api:catalogue_propose": h.api(None, post=h.EDITOR)(**h.targeted(h.organisation_slug), data=propose_form),
        "api:catalogue_proposal": h.api(readers)(**h.targeted(api_pk)),
        "api:catalogue_decide": h.api(None, post=h.COORDINATOR)(
            **h.targeted(api_pk), data=lambda w, t, m: {"decision": "reject", "reason": "Matrix"}
        ),
    }
