"""Alerts and calendar feeds (citytools.opportunities.views_alerts). Their own namespace,
"alerts", beside the opportunity finder's and initiatives' "opportunities"."""

from django.urls import path

from citytools.opportunities import views_alerts

app_name = "alerts"

urlpatterns = [
    path("alerts/", views_alerts.subscription, name="subscription"),
    path("organisations/<slug:slug>/calendar/", views_alerts.organisation_calendar, name="organisation_calendar"),
    # A token is secrets.token_urlsafe: letters, digits, "-" and "_", which <slug:> matches.
    path("calendar/<slug:token>.ics", views_alerts.calendar_feed, name="calendar_feed"),
]
