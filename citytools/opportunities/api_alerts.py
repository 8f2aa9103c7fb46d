"""The alerts API: the signed-in person's own alert subscription.

Writes go through citytools.opportunities.alerts, as the /alerts/ page's do; a DomainError
naming a field is a problem+json answer (citytools.core.api). Only staff of an organisation
and coordinators of a network may have alerts (citytools.opportunities.alert_rules); anyone
signed in may stop their own. The organisations' calendar addresses are on their pages, not
here.
"""

import datetime

from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from citytools.core.api_input import django_auth
from citytools.core.errors import Forbidden
from citytools.opportunities import alert_rules, alerts
from citytools.opportunities.models import Frequency, Subscription

router = Router(tags=["alerts"], auth=django_auth)

DEFAULTS = Subscription()


class AlertSubscriptionOut(Schema):
    subscribed: bool = Field(description="False: you get no alerts; the rest shows the defaults.")
    frequency: str = Field(description="daily or weekly: a digest at most that often, only when something is new.")
    own_contracts: bool = Field(description="Your organisations' contracts ending within horizon_days.")
    opportunities: bool = Field(description="New opportunities to buy together that include your organisations.")
    peer_areas: list[str] = Field(description="Service areas (slugs) whose other organisations' contracts ending you hear about.")
    horizon_days: int = Field(description="How far ahead a contract's end counts.")
    last_sent_at: datetime.datetime | None = Field(description="When the last digest went.")


class AlertSubscriptionIn(Schema):
    frequency: str = Field(Frequency.WEEKLY, description="daily or weekly.")
    own_contracts: StrictBool = True
    opportunities: StrictBool = True
    peer_areas: list[str] = Field(default_factory=list, max_length=alerts.MAX_PEER_AREAS, description="Service-area slugs (areas, not groups).")
    horizon_days: int = Field(180, description=f"{alert_rules.MIN_HORIZON_DAYS} to {alert_rules.MAX_HORIZON_DAYS}.")


def _out(subscription: Subscription | None) -> dict:
    shown = subscription or DEFAULTS
    return {
        "subscribed": subscription is not None, "frequency": shown.frequency, "own_contracts": shown.own_contracts,
        "opportunities": shown.opportunities, "horizon_days": shown.horizon_days,
        "peer_areas": sorted(a.slug for a in subscription.peer_areas.all()) if subscription else [],
        "last_sent_at": shown.last_sent_at,
    }


def _may_subscribe(request) -> None:
    if not alert_rules.may_subscribe(request.viewer.grants):
        raise Forbidden(alerts.NOT_ALLOWED)


@router.get("/alerts", response=AlertSubscriptionOut, url_name="alerts", summary="Your alert subscription")
def get_alerts(request):
    _may_subscribe(request)
    return _out(alerts.subscription_of(request.user))


@router.put(
    "/alerts", response={200: AlertSubscriptionOut, 201: AlertSubscriptionOut}, url_name="alerts_put",
    summary="Subscribe to alerts, or change them",
)
def put_alerts(request, payload: AlertSubscriptionIn):
    _may_subscribe(request)
    existed = alerts.subscription_of(request.user) is not None
    saved = alerts.save_subscription(actor=request.user, viewer=request.viewer, **payload.dict())
    return Status(200 if existed else 201, _out(alerts.subscription_of(saved.user)))


@router.delete("/alerts", response={204: None}, url_name="alerts_delete", summary="Stop all your alerts")
def delete_alerts(request):
    alerts.cancel_subscription(actor=request.user, viewer=request.viewer)
    return Status(204, None)
