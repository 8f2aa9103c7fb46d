"""Authorization expectations for the opportunity finder and joint procurement initiatives.

`build(h)` gets tests/test_authorization.py as `h` and returns entries for its EXPECTATIONS.
Anyone reads the finder (each seeing what they may); an initiative is seen by the invited
organisations' staff, their networks' coordinators and admins, and nobody else; it is run
by the lead organisation's staff, those coordinators and admins; each organisation's staff
answer for it (tests/opportunities_access.py).
"""

from tests import opportunities_access as o


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


def build(h) -> dict:
    starters = h.Who("staff of the organisations in the opportunity, their coordinators, admins", o.starts)
    seers = h.Who("the invited organisations' staff, their coordinators, admins", o.sees)
    runners = h.Who("the lead organisation's staff, its network's coordinators, admins", o.runs)
    own_answerers = h.Who("own's staff and admins", o.answers_for_own)
    launchers = h.Who("who runs it and may open a challenge for an interested organisation", o.launches)
    on = h.fixed(lambda w: {"pk": w.extra["initiative"].pk})
    on_api = h.fixed(lambda w: {"initiative_id": w.extra["initiative"].pk})
    if_match = lambda w, t, m: {"If-Match": f'"{_version(w)}"'}  # noqa: E731
    outcome = {"status": "procured", "outcome": "One joint contract", "savings": "120000", "savings_currency": "GBP",
               "evidence": "Cabinet report"}
    return {
        "opportunities:finder": h.page(),
        "opportunities:initiatives": h.page(h.SIGNED_IN),
        "opportunities:initiative_start": h.action(starters, data=start_form),
        "opportunities:initiative": h.page(seers, **on),
        "opportunities:initiative_answer": h.action(
            own_answerers, args=lambda w, t: {"pk": w.extra["initiative"].pk, "slug": "own"},
            data=lambda w, t, m: {"answer": "interested", "note": "Yes"},
        ),
        "opportunities:initiative_note": h.action(seers, **on, data=lambda w, t, m: {"body": "A note"}),
        "opportunities:initiative_invite": h.action(runners, **on, data=lambda w, t, m: {"organisation": "neighbour"}),
        "opportunities:initiative_plan": h.action(
            runners, **on, data=lambda w, t, m: {"decision_date": "2026-12-31", "target_date": "2027-06-30", "version": _version(w)}
        ),
        "opportunities:initiative_outcome": h.action(runners, **on, data=lambda w, t, m: {**outcome, "version": _version(w)}),
        "opportunities:initiative_challenge": h.action(launchers, **on),
        "api:opportunities": h.api()(),
        "api:initiatives": h.api(h.EVERYONE)(),
        "api:initiative_create": h.api(None, post=starters)(
            data=lambda w, t, m: {**start_form(w, t, m), "service_area": w.service_area.slug,
                                  "contracts": [w.contract("own").pk, w.contract("peer").pk]},
        ),
        "api:initiative": h.api(seers)(**on_api),
        "api:initiative_answer": h.api(None, put=own_answerers)(
            args=lambda w, t: {"initiative_id": w.extra["initiative"].pk, "slug": "own"},
            data=lambda w, t, m: {"answer": "not_now"},
        ),
        "api:initiative_note": h.api(None, post=seers)(**on_api, data=lambda w, t, m: {"body": "A note"}),
        "api:initiative_invite": h.api(None, post=runners)(**on_api, data=lambda w, t, m: {"organisation": "neighbour"}),
        "api:initiative_plan": h.api(None, put=runners)(
            **on_api, data=lambda w, t, m: {"decision_date": "2026-12-31"}, headers=if_match,
        ),
        "api:initiative_outcome": h.api(None, put=runners)(
            **on_api, data=lambda w, t, m: {**outcome, "savings": 120000}, headers=if_match,
        ),
        "api:initiative_challenge": h.api(None, post=launchers)(**on_api),
    }
