"""Authorization expectations for alerts and calendar feeds (citytools.opportunities.views_alerts
and .api_alerts).

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.

Who may do what (citytools.opportunities.alert_rules): alerts are for staff (members and
editors) of an organisation and coordinators of a network, each reading and changing only
their own; a platform admin or vendor user with no such role may not have them, but anyone
signed in may stop their own through the API. An organisation's calendar address is seen and
replaced by its own staff and admins, on its calendar page. The feed itself needs no sign-in:
its token is the credential, so everyone holding the address reads it.
"""

from citytools.opportunities.models import CalendarFeed
from tests.expect import (
    COORDINATES,
    SIGNED_IN,
    STAFF,
    STAFF_OF,
    Expect,
    Who,
    api,
    organisation_slug,
    page,
    targeted,
)

FORM = {"frequency": "weekly", "own_contracts": "on", "opportunities": "on", "horizon_days": "180"}
BODY = {"frequency": "weekly", "own_contracts": True, "opportunities": True, "horizon_days": 180}


def feed_token(world, target) -> dict:
    """The target organisation's calendar token, its feed made first if it has none."""
    return {"token": CalendarFeed.objects.get_or_create(organisation=world.organisation(target))[0].token}


subscribers = Who(
    "staff of an organisation and coordinators of a network",
    lambda role, target: role in STAFF or role in COORDINATES,
)
on_organisations = targeted(organisation_slug, ("own", "peer", "stranger"))

EXPECTATIONS: dict[str, Expect] = {
    "alerts:subscription": page(
        subscribers, write=subscribers, data=lambda w, t, m: {**FORM, "peer_areas": [w.service_area.slug]}
    ),
    "api:alerts": api(subscribers)(),
    "api:alerts_put": api(None, put=subscribers)(data=lambda w, t, m: {**BODY, "peer_areas": [w.service_area.slug]}),
    "api:alerts_delete": api(None, delete=SIGNED_IN)(),
    # The address is shown to, and replaced by, the organisation's own staff and admins.
    "alerts:organisation_calendar": page(STAFF_OF, write=STAFF_OF, **on_organisations),
    # Whoever holds the address reads the feed, signed in or not; it only reads.
    "alerts:calendar_feed": page(**targeted(feed_token, ("own", "stranger"))),
}
