"""Pages: data quality of a network and of an organisation, confirming records, and
attestation campaigns.

Thin doors over citytools.freshness.queries (reads) and .services (writes), with the
request's Viewer. Every form is a plain POST that works without JavaScript.

Who sees what: a network's data-quality page is for its coordinators and admins; an
organisation's is for its own staff, its networks' coordinators and admins (the people who
may see all its records); a campaign is for those who run it and the staff of the
organisations it asks.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.accounts.queries import organisation_editors
from citytools.core.charts import COUNT, PERCENT, bar_chart, grouped_bar_chart, stacked_bar_chart
from citytools.core.doors import confirm_page, domain_errors, finished, form_status, refusals
from citytools.core.tables import sort_columns
from citytools.core.views import next_url
from citytools.directory.models import Network, Organisation
from citytools.freshness import queries, rules, services
from citytools.freshness.forms import (
    CampaignEditForm,
    CampaignForm,
    ConfirmForm,
    ResponsibleForm,
    ReviewPeriodForm,
)
from citytools.freshness.models import Campaign
from citytools.freshness.rules import CampaignStatus

may_run = services.may_run


def _network_for_coordinator(request, slug) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not may_run(request.viewer, network.pk):
        raise PermissionDenied("Only the network's coordinators can see its data quality.")
    return network


def _organisation_for_staff(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not services.may_read_quality(request.viewer, organisation.pk):
        raise PermissionDenied("Only the organisation's staff and its network's coordinators can see its data quality.")
    return organisation


# Network ---------------------------------------------------------------------------------

COLUMNS = [
    ("name", "Organisation", False),
    ("records", "Records", True),
    ("freshness", "Freshness", True),
    ("completeness", "Completeness", True),
    ("stale", "Stale", True),
    ("check_needed", "Check needed", True),
]


def _percent(value) -> str:
    return "–" if value is None else f"{value}%"


def _network_page(request, network, *, form=None, status=200):
    sort = request.GET.get("sort", queries.DEFAULT_SORT)
    if sort.lstrip("-") not in queries.SORTS:
        sort = queries.DEFAULT_SORT
    found = queries.network_scores(request.viewer, network, sort=sort)
    # Two shares of different wholes, so side by side, each out of 100%: never added up.
    measures = (("freshness", "Freshness"), ("completeness", "Completeness"))
    chart = grouped_bar_chart(
        "quality-chart",
        title="Freshness and completeness of each organisation's records",
        rows=[
            {"name": str(s.organisation), "measure": label, "percent": None if getattr(s, key) is None else getattr(s, key) / 100}
            for s in found for key, label in measures
        ],
        label="name", series="measure", value="percent", label_title="Organisation", series_title="Measure",
        value_title="Per cent of the organisation's records", series_order=[label for _, label in measures], measure=PERCENT,
        columns=["Organisation", "Freshness (%)", "Completeness (%)"],
        table_rows=[[str(s.organisation), _percent(s.freshness), _percent(s.completeness)] for s in found],
        description=(
            "In the order of the table below; each organisation has two bars, each out of 100%. Freshness: the share of"
            f" records confirmed in the last {network.review_months} months. Completeness: the weighted share of the"
            " expected fields filled in."
        ),
        empty="No organisation in the network has records to score yet.",
    )
    campaigns = Campaign.objects.filter(network=network)[:10]
    return render(
        request,
        "freshness/network.html",
        {
            "network": network, "scores": found, "chart": chart, "sort": sort,
            "headers": sort_columns(COLUMNS, sort), "campaigns": campaigns,
            "form": form or ReviewPeriodForm(initial={"review_months": network.review_months}),
        },
        status=status,
    )


@login_required
@require_safe
def network_quality(request, slug):
    return _network_page(request, _network_for_coordinator(request, slug))


@login_required
@require_POST
def review_period(request, slug):
    network = _network_for_coordinator(request, slug)
    form = ReviewPeriodForm(request.POST)
    if form.is_valid():
        with domain_errors(form):
            services.set_review_period(network, months=form.cleaned_data["review_months"], actor=request.user)
            return finished(request, reverse("freshness:network", args=[network.slug]), "The review period was saved.")
    return _network_page(request, network, form=form, status=400)


# Organisation ----------------------------------------------------------------------------


@login_required
@require_safe
def organisation_quality(request, slug):
    organisation = _organisation_for_staff(request, slug)
    rows = queries.record_rows(request.viewer, [organisation.pk], people=True)
    score = queries.scores(request.viewer, [organisation], rows=rows)[organisation.pk]
    check = [row for row in rows if not row.seal.sealed]
    missing = [{"field": label, "records": n} for label, n in score.top_missing]
    chart = bar_chart(
        "missing-chart", title="Records missing each expected field", rows=missing, label="field", value="records",
        label_title="Field", value_title="Records without it", measure=COUNT,
    ) if missing else None
    return render(
        request,
        "freshness/organisation.html",
        {
            "organisation": organisation, "score": score, "check": check, "rows": rows, "chart": chart,
            "can_edit": request.viewer.can_edit(organisation.pk),
            "editors": organisation_editors(organisation.pk) if request.viewer.can_edit(organisation.pk) else [],
            "campaigns": Campaign.objects.filter(status=CampaignStatus.RUNNING, participants__organisation=organisation),
        },
    )


def _editors_post(request, slug, refusal: str):
    """An editor's form about an organisation's records: the organisation, and where to go
    back to afterwards."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.viewer.can_edit(organisation.pk):
        raise PermissionDenied(refusal)
    return organisation, next_url(request) or reverse("freshness:organisation", args=[organisation.slug])


@login_required
@require_POST
def confirm(request, slug):
    organisation, back = _editors_post(request, slug, "Only the organisation's own editors can confirm its records.")
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The confirmation was not understood, so nothing was confirmed. Reload the page and try again.")
        return HttpResponseRedirect(back, status=303)
    data = form.cleaned_data
    with domain_errors() as refusal:
        campaign = services.readable_campaign(request.viewer, data["campaign"]) if data.get("campaign") else None
        result = services.confirm_records(organisation=organisation, keys=data.get("records") or [], actor=request.user, campaign=campaign)
        (messages.warning if result.skipped else messages.success)(request, result.message)
    if refusal:
        messages.error(request, refusal.message)
    return HttpResponseRedirect(back, status=303)


@login_required
@require_POST
def responsible(request, slug):
    organisation, back = _editors_post(request, slug, "Only the organisation's own editors can say who answers for its records.")
    form = ResponsibleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a record and an editor.")
        return HttpResponseRedirect(back, status=303)
    with domain_errors() as refusal:
        record = services.record_by_key(request.viewer, organisation, form.cleaned_data["record"])
        user = services.editor_named(organisation.pk, form.cleaned_data["responsible"])
        services.set_responsible(record, user=user, actor=request.user)
        messages.success(request, f"{user.email} now answers for this record." if user else "Nobody answers for this record now.")
    if refusal:
        messages.error(request, refusal.message)
    return HttpResponseRedirect(back, status=303)


# Campaigns -------------------------------------------------------------------------------


def _campaign(request, pk) -> Campaign:
    with refusals():
        return services.readable_campaign(request.viewer, pk)


@login_required
@require_safe
def campaign_list(request):
    campaigns = queries.campaigns_visible_to(request.viewer).select_related("network")
    networks = [n for n in Network.objects.order_by("name") if may_run(request.viewer, n.pk)]
    return render(request, "freshness/campaigns.html", {"campaigns": campaigns, "networks": networks})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request, slug):
    network = _network_for_coordinator(request, slug)
    form = CampaignForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with domain_errors(form):
            campaign = services.create_campaign(
                network=network, title=data["title"], message=data["message"], deadline=data["deadline"],
                kinds=data["kinds"], service_areas=data["service_areas"], organisations=data["organisations"],
                reminder_days=data["reminder_days"], actor=request.user,
            )
            return finished(request, campaign.get_absolute_url(), "The campaign was saved as a draft. Launch it when ready.")
    return render(request, "freshness/campaign_form.html", {"network": network, "form": form}, status=400 if form.is_bound else 200)


@login_required
@require_safe
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    runs = may_run(request.viewer, campaign.network_id)
    progress = queries.progress_for(request.viewer, campaign)
    chart = None
    if progress.organisations and campaign.launched_at:
        parts = (("unchanged", "Confirmed unchanged"), ("corrected", "Corrected"), ("outstanding", "Still to confirm"))
        chart = stacked_bar_chart(
            "campaign-chart", title="Records confirmed, corrected and still to confirm",
            rows=[{"name": str(p.organisation), "part": label, "records": getattr(p, key)} for p in progress.organisations for key, label in parts],
            label="name", series="part", value="records", label_title="Organisation", series_title="Progress",
            value_title="Records", series_order=[label for _, label in parts],
            columns=["Organisation", "Confirmed unchanged", "Corrected", "Still to confirm"],
            table_rows=[[str(p.organisation), p.unchanged, p.corrected, p.outstanding] for p in progress.organisations],
        )
    return render(
        request,
        "freshness/campaign.html",
        {"campaign": campaign, "progress": progress, "runs": runs, "chart": chart, "report": campaign.report if runs else None},
    )


def _draft_for_runner(request, pk):
    """A campaign to change or delete: those who run it, and only while it is a draft (else
    back to its page, saying why)."""
    campaign = _campaign(request, pk)
    if not may_run(request.viewer, campaign.network_id):
        raise PermissionDenied("Only the network's coordinators can change its campaigns.")
    with domain_errors() as refusal:
        rules.check_draft(campaign.status)
        return campaign, None
    messages.error(request, refusal.message)
    return campaign, HttpResponseRedirect(campaign.get_absolute_url(), status=303)


def _campaign_data(data) -> dict:
    return {
        "title": data["title"], "message": data["message"], "deadline": data["deadline"], "kinds": data["kinds"],
        "service_areas": data["service_areas"], "organisations": data["organisations"], "reminder_days": data["reminder_days"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign, refused = _draft_for_runner(request, pk)
    if refused:
        return refused
    conflict = ""
    if request.method == "POST":
        form = CampaignEditForm(request.POST, network=campaign.network)
        if form.is_valid():
            with domain_errors(form, conflicts=True) as refusal:
                services.update_campaign(
                    campaign, version=form.cleaned_data["version"], actor=request.user, **_campaign_data(form.cleaned_data)
                )
                return finished(request, campaign.get_absolute_url(), "The draft was saved.")
            conflict = refusal.conflict
    else:
        form = CampaignEditForm(initial=CampaignEditForm.initial_from(campaign), network=campaign.network)
    return render(
        request, "freshness/campaign_form.html",
        {"network": campaign.network, "form": form, "campaign": campaign, "conflict": conflict},
        status=form_status(form, conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_delete(request, pk):
    campaign, refused = _draft_for_runner(request, pk)
    if refused:
        return refused
    return confirm_page(
        request,
        version=campaign.version,
        act=lambda version: services.delete_campaign(campaign, version=version, actor=request.user),
        done_url=reverse("freshness:campaigns"),
        done_message=f"The draft campaign “{campaign.title}” was deleted.",
        context={
            "thing": "campaign",
            "title": f"Delete the draft campaign “{campaign.title}”?",
            "caption": f"Campaign of {campaign.network}",
            "explanation": (
                "Nobody has been told of it yet: it has not been launched. Deleting it cannot be undone; "
                "you can start a new campaign at any time."
            ),
            "button": "Delete the draft", "warning": True,
            "back_url": campaign.get_absolute_url(), "reload_url": reverse("freshness:campaign_delete", args=[campaign.pk]),
        },
    )


def _move(request, pk, service, message):
    campaign = _campaign(request, pk)
    if not may_run(request.viewer, campaign.network_id):
        raise PermissionDenied("Only the network's coordinators can run its campaigns.")
    with domain_errors() as refusal:
        service(campaign, actor=request.user)
        return finished(request, campaign.get_absolute_url(), message)
    messages.error(request, refusal.message)
    return HttpResponseRedirect(campaign.get_absolute_url(), status=303)


@login_required
@require_POST
def campaign_launch(request, pk):
    return _move(request, pk, services.launch_campaign, "The campaign is running. Editors are being told by e-mail.")


@login_required
@require_POST
def campaign_close(request, pk):
    return _move(request, pk, services.close_campaign, "The campaign is closed. Its report is below.")


@login_required
@require_safe
def campaign_organisation(request, pk, slug):
    campaign = _campaign(request, pk)
    organisation = get_object_or_404(Organisation, slug=slug)
    with refusals():
        services.require_campaign_organisation(request.viewer, campaign, organisation)
    rows = queries.campaign_rows(campaign, request.viewer, [organisation.pk], now=timezone.now())
    rows.sort(key=lambda r: (r.done, r.kind != "system", r.title.lower()))
    left = [r for r in rows if not r.done]
    return render(
        request,
        "freshness/campaign_organisation.html",
        {
            "campaign": campaign, "organisation": organisation, "rows": rows, "left": left,
            "done": len(rows) - len(left), "can_edit": request.viewer.can_edit(organisation.pk) and campaign.status == CampaignStatus.RUNNING,
            "here": request.get_full_path(),
        },
    )
