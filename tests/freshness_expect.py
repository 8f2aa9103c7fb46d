"""Authorization expectations for data quality, confirmations and attestation campaigns.

`build(h)` gets tests/test_authorization.py as `h` and returns entries for its EXPECTATIONS.
A network's data quality is for its coordinators and admins; an organisation's for its
staff, its networks' coordinators and admins; only its editors (and admins) confirm records
or name who answers for them. Campaigns are run by the network's coordinators and seen by
the staff of the organisations asked (tests/freshness_access.py).
"""

import datetime

from citytools.freshness.models import Campaign
from tests import freshness_access as f


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


def build(h) -> dict:
    runners = h.Who("north's coordinator and admins", f.runs)
    seers = h.Who("those asked (own's and peer's staff), north's coordinator, admins", f.sees)
    own_readers = h.Who("own's staff, north's coordinator, admins", f.reads_own)
    quality = h.STAFF_OF | h.COORDINATOR
    running = h.fixed(lambda w: {"pk": w.extra["campaign"].pk})
    draft = h.fixed(lambda w: {"pk": w.extra["draft_campaign"].pk})
    running_api = h.fixed(lambda w: {"campaign_id": w.extra["campaign"].pk})
    draft_api = h.fixed(lambda w: {"campaign_id": w.extra["draft_campaign"].pk})
    campaign_form = lambda w, t, m: {"title": "Spring check", "deadline": _deadline(), "kinds": "both", "reminder_days": "7, 1"}  # noqa: E731
    return {
        "freshness:network": h.page(h.COORDINATOR, **h.targeted(h.network_slug)),
        "freshness:review_period": h.action(h.COORDINATOR, **h.targeted(h.network_slug), data=lambda w, t, m: {"review_months": "6"}),
        "freshness:organisation": h.page(quality, **h.targeted(h.organisation_slug)),
        "freshness:confirm": h.action(h.EDITOR, **h.targeted(h.organisation_slug), data=lambda w, t, m: {"records": [_key(w, t)]}),
        "freshness:responsible": h.action(
            h.EDITOR, **h.targeted(h.organisation_slug), data=lambda w, t, m: {"record": f"system:{w.system(t).pk}", "responsible": ""}
        ),
        "freshness:campaigns": h.page(h.SIGNED_IN),
        "freshness:campaign_new": h.page(h.COORDINATOR, write=h.COORDINATOR, **h.targeted(h.network_slug), data=campaign_form),
        "freshness:campaign": h.page(seers, **running),
        "freshness:campaign_launch": h.action(runners, **draft),
        # Only a draft is changed or deleted, by those who run it; others do not see a draft.
        "freshness:campaign_edit": h.page(runners, write=runners, **draft, data=_draft_form),
        "freshness:campaign_delete": h.page(runners, write=runners, **draft, data=lambda w, t, m: {"version": _draft_version(w)}),
        "freshness:campaign_close": h.action(runners, **running),
        "freshness:campaign_organisation": h.page(
            own_readers, args=lambda w, t: {"pk": w.extra["campaign"].pk, "slug": "own"}
        ),
        "api:network_quality": h.api(h.COORDINATOR)(**h.targeted(h.network_slug)),
        "api:review_period": h.api(None, put=h.COORDINATOR)(**h.targeted(h.network_slug), data=lambda w, t, m: {"review_months": 6}),
        "api:organisation_quality": h.api(quality)(**h.targeted(h.organisation_slug)),
        "api:confirm": h.api(None, post=h.EDITOR)(**h.targeted(h.organisation_slug), data=lambda w, t, m: {"records": [_key(w, t)]}),
        "api:responsible": h.api(None, put=h.EDITOR)(
            **h.targeted(h.organisation_slug), data=lambda w, t, m: {"record": f"system:{w.system(t).pk}", "responsible": None}
        ),
        "api:campaigns": h.api(h.SIGNED_IN)(),
        "api:campaign_create": h.api(None, post=h.COORDINATOR)(
            **h.targeted(h.network_slug), data=lambda w, t, m: {"title": "Spring check", "deadline": _deadline()}
        ),
        "api:campaign": h.api(seers)(**running_api),
        "api:campaign_launch": h.api(None, post=runners)(**draft_api),
        "api:campaign_replace": h.api(None, put=runners)(
            **draft_api, headers=_draft_if_match,
            data=lambda w, t, m: {"title": "Spring check, changed", "deadline": _deadline(), "organisations": ["own"]},
        ),
        "api:campaign_patch": h.api(None, patch=runners)(
            **draft_api, headers=_draft_if_match, data=lambda w, t, m: {"title": "Spring check, changed"}
        ),
        "api:campaign_delete": h.api(None, delete=runners)(**draft_api, headers=_draft_if_match),
        "api:campaign_close": h.api(None, post=runners)(**running_api),
        "api:campaign_organisation": h.api(own_readers)(
            args=lambda w, t: {"campaign_id": w.extra["campaign"].pk, "slug": "own"}
        ),
    }
