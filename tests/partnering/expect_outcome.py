"""Authorization expectations for the Invitation to Partner: outcome.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.

Who may do what (citytools.partnering.services.outcome, .rules): once a partner is chosen
("partnered" in the access world) anyone reads the award notice; a debrief is read by the
applicant's own users (the vendor), the owners and the steward, and its feedback reviewed and
released by the owners; co-design progress by the
panel and the partner (the vendor's company is the partner), and written by the owners and
the partner; survey results by the owners and the steward (coordinator); the follow-on
purchase is the owners'. The close-out survey is answered only at demo and close-out, which
no challenge of the access world has reached: every answer is refused there. Metrics and
OCDS open data are public for every published challenge and do not exist for the others.
"""

import datetime

from citytools.partnering.models import Milestone, Proposal
from tests.expect import EVERYONE, SIGNED_IN, Expect, Who, action, api, page, targeted
from tests.partnering import access as p

AWARDED = ("partnered",)


def _slug(w, t):
    return {"slug": w.challenge(t).slug}


def _on(targets, who):
    return lambda role, target: target in targets and who(role, target)


def _proposal_pk(w, t) -> int:
    return Proposal.objects.get(challenge=w.challenge(t), supplier=w.people.vendor_company).pk


def _feedback(w, t) -> dict:
    """The feedback on every criterion of the challenge, as the owners release it."""
    return {criterion.pk: "The panel's view." for criterion in w.challenge(t).criteria.all()}


def _milestone_pk(w, t) -> int:
    milestone, _ = Milestone.objects.get_or_create(
        challenge=w.challenge(t), title="First prototype", defaults={"due_date": datetime.date(2030, 1, 31)}
    )
    return milestone.pk


def _contract(w, t):
    """A contract of the owning organisation with the partner, to link as a purchase."""
    from citytools.contracts.models import Contract

    contract, _ = Contract.objects.get_or_create(
        organisation=w.organisation("own"), supplier=w.people.vendor_company, reference="ITP-FOLLOW-ON",
        defaults={
            "title": "Status page licences", "start_date": datetime.date(2030, 1, 1), "end_date": datetime.date(2031, 12, 31),
            "currency": "CAD",
        },
    )
    return contract


everyone_awarded = Who("anyone, once a partner is chosen", _on(AWARDED, lambda r, t: True))
published = Who("anyone, for a published challenge", lambda r, t: t in p.PUBLISHED)
debrief_readers = Who(
    "the applicant's users, the owners and the steward, once awarded",
    _on(AWARDED, lambda r, t: p.owner(r, t) or p.steward(r, t) or p.applicant(r, t)),
)
followers = Who("the panel and the partner, once awarded", _on(AWARDED, lambda r, t: p.panel(r, t) or p.applicant(r, t)))
codesigners = Who("the owners and the partner, once awarded", _on(AWARDED, lambda r, t: p.owner(r, t) or p.applicant(r, t)))
respondents = Who("the owners and the partner, once awarded", _on(AWARDED, lambda r, t: p.owner(r, t) or p.applicant(r, t)))
survey_readers = Who("the owners and the steward, once awarded", _on(AWARDED, lambda r, t: p.owner(r, t) or p.steward(r, t)))
owners_awarded = Who("the owners, once awarded", _on(AWARDED, p.owner))
nobody_yet = Who("nobody before the demo", lambda r, t: False)

slug = targeted(_slug, p.ALL)
milestone = {"title": "Test with residents", "due_date": "2030-02-28"}
check_in = {"status": "on_track", "note": "Two sessions held."}
survey = {"satisfaction": 4, "clarity": 5}

EXPECTATIONS: dict[str, Expect] = {
    # Pages.
    "partnering:metrics": page(EVERYONE),
    "partnering:lessons": page(SIGNED_IN),
    "partnering:ocds_all": page(EVERYONE),
    "partnering:notifications": page(SIGNED_IN),
    "partnering:award": page(everyone_awarded, **slug),
    "partnering:purchase_add": page(
        owners_awarded, write=owners_awarded, **slug,
        data=lambda w, t, m: {"contract": str(_contract(w, t).pk), "note": "Licences."},
    ),
    "partnering:debriefs": page(debrief_readers, **slug),
    "partnering:debrief_proposal": page(
        debrief_readers, **targeted(lambda w, t: {**_slug(w, t), "pk": _proposal_pk(w, t)}, p.PUBLISHED)
    ),
    "partnering:debrief_release": page(
        owners_awarded, write=owners_awarded,
        **targeted(lambda w, t: {**_slug(w, t), "pk": _proposal_pk(w, t)}, p.PUBLISHED),
        data=lambda w, t, m: {f"feedback_{pk}": text for pk, text in _feedback(w, t).items()},
    ),
    "partnering:codesign": page(followers, **slug),
    "partnering:milestone_add": page(codesigners, write=codesigners, **slug, data=lambda w, t, m: milestone),
    "partnering:milestone_done": action(
        codesigners, **targeted(lambda w, t: {**_slug(w, t), "pk": _milestone_pk(w, t)}, p.ALL)
    ),
    "partnering:checkin_add": page(codesigners, write=codesigners, **slug, data=lambda w, t, m: check_in),
    "partnering:survey": page(respondents, write=nobody_yet, **slug, data=lambda w, t, m: survey),
    "partnering:survey_results": page(survey_readers, **slug),
    "partnering:challenge_metrics": page(published, **slug),
    "partnering:ocds": page(published, **slug),
    # The API.
    "api:challenges_metrics": api(EVERYONE)(),
    "api:challenges_lessons": api(SIGNED_IN)(),
    "api:challenges_ocds": api(EVERYONE)(),
    "api:challenges_ocds_record": api(EVERYONE)(),
    "api:challenge_award": api(everyone_awarded)(**slug),
    "api:challenge_debrief": api(debrief_readers)(
        **targeted(lambda w, t: {**_slug(w, t), "proposal_id": _proposal_pk(w, t)}, p.PUBLISHED)
    ),
    "api:challenge_debrief_release": api(None, post=owners_awarded)(
        **targeted(lambda w, t: {**_slug(w, t), "proposal_id": _proposal_pk(w, t)}, p.PUBLISHED),
        data=lambda w, t, m: {"feedback": _feedback(w, t)},
    ),
    "api:challenge_codesign": api(followers)(**slug),
    "api:challenge_milestone_add": api(None, post=codesigners)(**slug, data=lambda w, t, m: milestone),
    "api:challenge_milestone_done": api(None, post=codesigners)(
        **targeted(lambda w, t: {**_slug(w, t), "milestone_id": _milestone_pk(w, t)}, p.ALL)
    ),
    "api:challenge_checkin_add": api(None, post=codesigners)(**slug, data=lambda w, t, m: check_in),
    "api:challenge_survey_respond": api(None, post=nobody_yet)(**slug, data=lambda w, t, m: survey),
    "api:challenge_survey_results": api(survey_readers)(**slug),
    "api:challenge_purchase_add": api(None, post=owners_awarded)(
        **slug, data=lambda w, t, m: {"contract_id": _contract(w, t).pk, "note": "Licences."}
    ),
    "api:challenge_metrics": api(published)(**slug),
    "api:challenge_ocds": api(published)(**slug),
    "api:challenge_ocds_record": api(published)(**slug),
}
