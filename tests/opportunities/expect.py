"""Authorization expectations for the opportunity finder and joint procurement initiatives.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.
Anyone reads the finder (each seeing what they may); an initiative is seen by the invited
organisations' staff, their networks' coordinators and admins, and nobody else; it is run
by the lead organisation's staff, those coordinators and admins; each organisation's staff
answer for it (tests/opportunities/access.py).
"""

from tests.expect import EVERYONE, SIGNED_IN, Expect, Who, action, api, fixed, page
from tests.opportunities import access as o


def _initiative(name="pk"):
    return lambda w, t: {name: w.extra["initiative"].pk}


def _version(w):
    from citytools.opportunities.models import Initiative

    return Initiative.objects.get(pk=w.extra["initiative"].pk).version


def start_form(w, t, m) -> dict:
    return {
        "area": w.service_area.slug, "window_start": "2027-01-01", "window_end": "2027-12-31",
        "contracts": [str(w.contract("own").pk), str(w.contract("peer").pk)],
    }


starters = Who("staff of the organisations in the opportunity, their coordinators, admins", o.starts)
seers = Who("the invited organisations' staff, their coordinators, admins", o.sees)
runners = Who("the lead organisation's staff, its network's coordinators, admins", o.runs)
own_answerers = Who("own's staff and admins", o.answers_for_own)
launchers = Who("who runs it and may open a challenge for an interested organisation", o.launches)
on = fixed(lambda w: {"pk": w.extra["initiative"].pk})
on_api = fixed(lambda w: {"initiative_id": w.extra["initiative"].pk})
if_match = lambda w, t, m: {"If-Match": f'"{_version(w)}"'}  # noqa: E731
outcome = {"status": "procured", "outcome": "One joint contract", "savings": "120000", "savings_currency": "GBP",
           "evidence": "Cabinet report"}

EXPECTATIONS: dict[str, Expect] = {
    "opportunities:finder": page(),
    "opportunities:initiatives": page(SIGNED_IN),
    "opportunities:initiative_start": action(starters, data=start_form),
    "opportunities:initiative": page(seers, **on),
    "opportunities:initiative_answer": action(
        own_answerers, args=lambda w, t: {"pk": w.extra["initiative"].pk, "slug": "own"},
        data=lambda w, t, m: {"answer": "interested", "note": "Yes"},
    ),
    "opportunities:initiative_note": action(seers, **on, data=lambda w, t, m: {"body": "A note"}),
    "opportunities:initiative_invite": action(runners, **on, data=lambda w, t, m: {"organisation": "neighbour"}),
    "opportunities:initiative_plan": action(
        runners, **on, data=lambda w, t, m: {"decision_date": "2026-12-31", "target_date": "2027-06-30", "version": _version(w)}
    ),
    "opportunities:initiative_outcome": action(runners, **on, data=lambda w, t, m: {**outcome, "version": _version(w)}),
    "opportunities:initiative_challenge": action(launchers, **on),
    "api:opportunities": api()(),
    "api:initiatives": api(EVERYONE)(),
    "api:initiative_create": api(None, post=starters)(
        data=lambda w, t, m: {**start_form(w, t, m), "service_area": w.service_area.slug,
                              "contracts": [w.contract("own").pk, w.contract("peer").pk]},
    ),
    "api:initiative": api(seers)(**on_api),
    "api:initiative_answer": api(None, put=own_answerers)(
        args=lambda w, t: {"initiative_id": w.extra["initiative"].pk, "slug": "own"},
        data=lambda w, t, m: {"answer": "not_now"},
    ),
    "api:initiative_note": api(None, post=seers)(**on_api, data=lambda w, t, m: {"body": "A note"}),
    "api:initiative_invite": api(None, post=runners)(**on_api, data=lambda w, t, m: {"organisation": "neighbour"}),
    "api:initiative_plan": api(None, put=runners)(
        **on_api, data=lambda w, t, m: {"decision_date": "2026-12-31"}, headers=if_match,
    ),
    "api:initiative_outcome": api(None, put=runners)(
        **on_api, data=lambda w, t, m: {**outcome, "savings": 120000}, headers=if_match,
    ),
    "api:initiative_challenge": api(None, post=launchers)(**on_api),
}
