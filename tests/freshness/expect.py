"""Authorization expectations for data quality, confirmations and attestation campaigns.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.
A network's data quality is for its coordinators and admins; an organisation's for its
staff, its networks' coordinators and admins; only its editors (and admins) confirm records
or name who answers for them. Campaigns are run by the network's coordinators and seen by
the staff of the organisations asked (tests/freshness/access.py).
"""

import datetime

from citytools.freshness.models import Campaign
from tests.expect import (
    COORDINATOR,
    EDITOR,
    SIGNED_IN,
    STAFF_OF,
    Expect,
    Who,
    action,
    api,
    fixed,
    network_slug,
    organisation_slug,
    page,
    targeted,
)
from tests.freshness import access as f


def _deadline() -> str:
    return (datetime.date.today() + datetime.timedelta(days=20)).isoformat()


def _key(w, t):
    system = w.system(t)
    system.refresh_from_db()
    return f"system:{system.pk}:{system.version}"


def _draft_version(w) -> int:
    return Campaign.objects.values_list("version", flat=True).get(pk=w.extra["draft_campaign"].pk)


def _draft_form(w, t, m) -> dict:
    return {
        "title": "Spring check, changed", "deadline": _deadline(), "kinds": "contracts", "reminder_days": "3",
        "organisations": ["own", "peer"], "message": "", "version": _draft_version(w),
    }


def _draft_if_match(w, t, m) -> dict:
    return {"If-Match": f'"{_draft_version(w)}"'}


runners = Who("north's coordinator and admins", f.runs)
seers = Who("those asked (own's and peer's staff), north's coordinator, admins", f.sees)
own_readers = Who("own's staff, north's coordinator, admins", f.reads_own)
quality = STAFF_OF | COORDINATOR
running = fixed(lambda w: {"pk": w.extra["campaign"].pk})
draft = fixed(lambda w: {"pk": w.extra["draft_campaign"].pk})
running_api = fixed(lambda w: {"campaign_id": w.extra["campaign"].pk})
draft_api = fixed(lambda w: {"campaign_id": w.extra["draft_campaign"].pk})
campaign_form = lambda w, t, m: {"title": "Spring check", "deadline": _deadline(), "kinds": "both", "reminder_days": "7, 1"}  # noqa: E731

EXPECTATIONS: dict[str, Expect] = {
    "freshness:network": page(COORDINATOR, **targeted(network_slug)),
    "freshness:review_period": action(COORDINATOR, **targeted(network_slug), data=lambda w, t, m: {"review_months": "6"}),
    "freshness:organisation": page(quality, **targeted(organisation_slug)),
    "freshness:confirm": action(EDITOR, **targeted(organisation_slug), data=lambda w, t, m: {"records": [_key(w, t)]}),
    "freshness:responsible": action(
        EDITOR, **targeted(organisation_slug), data=lambda w, t, m: {"record": f"system:{w.system(t).pk}", "responsible": ""}
    ),
    "freshness:campaigns": page(SIGNED_IN),
    "freshness:campaign_new": page(COORDINATOR, write=COORDINATOR, **targeted(network_slug), data=campaign_form),
    "freshness:campaign": page(seers, **running),
    "freshness:campaign_launch": action(runners, **draft),
    # Only a draft is changed or deleted, by those who run it; others do not see a draft.
    "freshness:campaign_edit": page(runners, write=runners, **draft, data=_draft_form),
    "freshness:campaign_delete": page(runners, write=runners, **draft, data=lambda w, t, m: {"version": _draft_version(w)}),
    "freshness:campaign_close": action(runners, **running),
    "freshness:campaign_organisation": page(
        own_readers, args=lambda w, t: {"pk": w.extra["campaign"].pk, "slug": "own"}
    ),
    "api:network_quality": api(COORDINATOR)(**targeted(network_slug)),
    "api:review_period": api(None, put=COORDINATOR)(**targeted(network_slug), data=lambda w, t, m: {"review_months": 6}),
    "api:organisation_quality": api(quality)(**targeted(organisation_slug)),
    "api:confirm": api(None, post=EDITOR)(**targeted(organisation_slug), data=lambda w, t, m: {"records": [_key(w, t)]}),
    "api:responsible": api(None, put=EDITOR)(
        **targeted(organisation_slug), data=lambda w, t, m: {"record": f"system:{w.system(t).pk}", "responsible": None}
    ),
    "api:campaigns": api(SIGNED_IN)(),
    "api:campaign_create": api(None, post=COORDINATOR)(
        **targeted(network_slug), data=lambda w, t, m: {"title": "Spring check", "deadline": _deadline()}
    ),
    "api:campaign": api(seers)(**running_api),
    "api:campaign_launch": api(None, post=runners)(**draft_api),
    "api:campaign_replace": api(None, put=runners)(
        **draft_api, headers=_draft_if_match,
        data=lambda w, t, m: {"title": "Spring check, changed", "deadline": _deadline(), "organisations": ["own"]},
    ),
    "api:campaign_patch": api(None, patch=runners)(
        **draft_api, headers=_draft_if_match, data=lambda w, t, m: {"title": "Spring check, changed"}
    ),
    "api:campaign_delete": api(None, delete=runners)(**draft_api, headers=_draft_if_match),
    "api:campaign_close": api(None, post=runners)(**running_api),
    "api:campaign_organisation": api(own_readers)(
        args=lambda w, t: {"campaign_id": w.extra["campaign"].pk, "slug": "own"}
    ),
}
