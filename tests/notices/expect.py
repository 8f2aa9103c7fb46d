"""Authorization expectations for public notices (citytools.notices: the review queue, buyer
names, trusted sources, imports and harvests from the web).

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py, on the world of tests/notices/access.py.
An organisation's suggestions are read and decided by its editors, its networks'
coordinators and admins (citytools.notices.access.may_review); buyer names by every network
coordinator and admins, each linking a name only to an organisation of a network they
coordinate; a network's imports, harvests and trusted sources by its coordinators and
admins; where each publisher's harvest stands (one for the whole site) and the hints that
suggest a service area (one mapping for the whole site) by every network coordinator and
admins (citytools.notices.access.may_edit_hints).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.expect import (
    COORDINATOR,
    EDITOR_OR_COORDINATOR,
    Expect,
    Multipart,
    Who,
    action,
    api,
    network_slug,
    organisation_slug,
    page,
    targeted,
)
from tests.notices import access as n
from tests.notices.ocds import package_bytes, release

reviewers = EDITOR_OR_COORDINATOR
linkers = Who("network coordinators and admins", n.links)
hint_editors = linkers  # the same people (citytools.notices.access.may_edit_hints)
on_suggestion = targeted(lambda w, t: {"pk": n.suggestion(w, t).pk})
on_suggestion_api = targeted(lambda w, t: {"suggestion_id": n.suggestion(w, t).pk})
on_import = targeted(lambda w, t: {"pk": n.notice_import(w, t).pk})
on_import_api = targeted(lambda w, t: {"import_id": n.notice_import(w, t).pk})
# Linking a buyer name aims at the organisation named in the body: its networks' coordinators
# (and admins) may, anyone else is refused.
on_buyer = targeted(lambda w, t: {"pk": w.extra["buyer"].pk})
on_buyer_api = targeted(lambda w, t: {"buyer_id": w.extra["buyer"].pk})
buyer_once = {"args": lambda w, t: {"pk": w.extra["buyer"].pk}}
buyer_once_api = {"args": lambda w, t: {"buyer_id": w.extra["buyer"].pk}}
link = lambda w, t, m: {"organisation": w.organisation(t).slug}  # noqa: E731
trust = lambda w, t, m: {"source": "contracts_finder", "trusted": "1"}  # noqa: E731
# A harvest only recorded here: nothing runs the worker, so no publisher is asked.
harvest = lambda w, t, m: {"source": "find-a-tender"}  # noqa: E731
# A hint to add, and one the shipped mapping has on the access world's map, to remove.
new_hint = lambda w, t, m: {"area": "parking-enforcement", "kind": "words", "hint": "pay and display"}  # noqa: E731
shipped_hint = lambda w, t, m: {"area": "parking-enforcement", "kind": "words", "hint": "parking permit"}  # noqa: E731


def upload(world, target, method) -> Multipart:
    """A file of one notice for the target's organisation, sent as a browser sends a form."""
    content = package_bytes(release(ocid="ocds-b5fd17-matrix-upload", buyer=world.organisation(target).name))
    return Multipart({"file": SimpleUploadedFile("notices.json", content, content_type="application/json")})


EXPECTATIONS: dict[str, Expect] = {
    "notices:queue": page(reviewers, **targeted(organisation_slug)),
    "notices:suggestion": page(reviewers, **on_suggestion),
    "notices:accept": action(reviewers, **on_suggestion, data=n.accept_form),
    "notices:reject": action(reviewers, **on_suggestion, data=lambda w, t, m: {"reason": "Not ours"}),
    "notices:buyers": page(linkers),
    "notices:buyer_link": action(COORDINATOR, **on_buyer, data=link),
    "notices:buyer_dismiss": action(linkers, **buyer_once),
    "notices:network": page(COORDINATOR, write=COORDINATOR, **targeted(network_slug), data=upload),
    "notices:trust": action(COORDINATOR, **targeted(network_slug), data=trust),
    "notices:import": page(COORDINATOR, **on_import),
    "notices:harvest": action(COORDINATOR, **targeted(network_slug), data=harvest),
    "notices:hints": page(hint_editors, write=hint_editors, data=new_hint),
    "notices:hint_remove": action(hint_editors, data=shipped_hint),
    "api:notice_suggestions": api(reviewers)(**targeted(organisation_slug)),
    "api:notice_suggestion": api(reviewers)(**on_suggestion_api),
    "api:notice_suggestion_accept": api(None, post=reviewers)(**on_suggestion_api, data=lambda w, t, m: {"supplier": "new"}),
    "api:notice_suggestion_reject": api(None, post=reviewers)(**on_suggestion_api, data=lambda w, t, m: {"reason": "Not ours"}),
    "api:notice_buyers": api(linkers)(),
    "api:notice_buyer_link": api(None, post=COORDINATOR)(**on_buyer_api, data=link),
    "api:notice_buyer_dismiss": api(None, post=linkers)(**buyer_once_api),
    "api:notice_trusted_sources": api(COORDINATOR)(**targeted(network_slug)),
    "api:notice_trusted_source": api(None, put=COORDINATOR)(
        **targeted(lambda w, t: {"slug": w.network(t).slug, "source": "contracts_finder"}), data=lambda w, t, m: {"trusted": True},
    ),
    "api:notice_import_create": api(None, post=COORDINATOR)(**targeted(network_slug), data=upload),
    "api:notice_import": api(COORDINATOR)(**on_import_api),
    "api:notice_harvest_create": api(None, post=COORDINATOR)(**targeted(network_slug), data=harvest),
    # Where each publisher's harvest stands: one for the whole site, for every coordinator.
    "api:notice_harvests": api(linkers)(),
    "api:notice_hints": api(hint_editors)(),
    "api:notice_hint_create": api(None, post=hint_editors)(data=new_hint),
    "api:notice_hint_delete": api(None, delete=hint_editors)(query=shipped_hint),
}
