"""Pages: a person's alerts (/alerts/), an organisation's calendar address, and the calendar
feed itself.

Thin doors: each view reads or writes through citytools.opportunities.alerts with the
request's Viewer. A DomainError becomes an error against the field it names; a refusal
becomes 403 or 404 (citytools.core.doors.refuse). Every form is a plain POST that
works without JavaScript and answers 303 on success. The feed needs no sign-in: its token is
the credential, so a wrong or replaced one is 404, as if there were no such address.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from citytools.core.doors import domain_errors, finished, refusals
from citytools.directory.models import Organisation
from citytools.opportunities import alert_rules, alerts, feeds
from citytools.opportunities.forms_alerts import SubscriptionForm
from citytools.opportunities.models import CalendarFeed


def feed_url(feed: CalendarFeed | None) -> str | None:
    return settings.SITE_URL + reverse("alerts:calendar_feed", args=[feed.token]) if feed else None


@login_required
@require_http_methods(["GET", "POST"])
def subscription(request):
    viewer = request.viewer
    # Anyone may stop their own alerts, even after losing the role that let them subscribe.
    if request.method == "POST" and "stop" in request.POST and alerts.subscription_of(request.user) is not None:
        alerts.cancel_subscription(actor=request.user, viewer=viewer)
        return finished(request, reverse("alerts:subscription"), "Your alerts are stopped: we will not e-mail you again.")
    if not alert_rules.may_subscribe(viewer.grants):
        raise PermissionDenied(alerts.NOT_ALLOWED)
    current = alerts.subscription_of(request.user)
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with domain_errors(form):
                alerts.save_subscription(
                    actor=request.user, viewer=viewer, frequency=data["frequency"], own_contracts=data["own_contracts"],
                    opportunities=data["opportunities"], peer_areas=data["peer_areas"], horizon_days=data["horizon_days"],
                )
                return finished(request, reverse("alerts:subscription"), "Your alerts are saved.")
    else:
        form = SubscriptionForm(initial=SubscriptionForm.initial_from(current))
    organisations = Organisation.objects.filter(pk__in=viewer.grants.staff_organisations).order_by("name")
    feeds_by_organisation = {f.organisation_id: f for f in CalendarFeed.objects.filter(organisation__in=organisations)}
    return render(
        request, "opportunities/alerts.html",
        {
            "form": form, "subscription": current, "organisations": organisations,
            "calendars": [(o, o.pk in feeds_by_organisation) for o in organisations],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_calendar(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    with refusals():
        if request.method == "POST":
            alerts.replace_calendar_token(organisation, actor=request.user, viewer=request.viewer)
            return finished(
                request, reverse("alerts:organisation_calendar", args=[organisation.slug]),
                "The calendar has a new address. The old one no longer works.",
            )
        feed = alerts.calendar_feed_of(organisation, viewer=request.viewer)
    return render(request, "opportunities/calendar.html", {"organisation": organisation, "feed": feed, "url": feed_url(feed)})


@require_safe
def calendar_feed(request, token):
    feed = alerts.feed_by_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    response = HttpResponse(feeds.feed_ics(feed.organisation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{feed.organisation.slug}-contracts.ics"'
    # The address is a secret: not for shared caches or search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
