"""Pages of what happens after selection: the award notice, debriefs, co-design progress,
the close-out survey, follow-on purchases, process metrics, lessons, notifications and the
OCDS open data.

Thin doors: each finds the challenge through citytools.partnering.services.outcome (404 for
what the person may not see), asks the rules, parses the form and calls the service. A
DomainError becomes an error against the field it names; every form works without
JavaScript (POST, then a redirect to the result).
"""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.core.charts import COUNT, bar_chart, column_chart, stacked_bar_chart
from citytools.partnering import metrics as process_metrics
from citytools.partnering import ocds, rules
from citytools.partnering.access import visible_challenges
from citytools.partnering.forms_outcome import (
    CheckInForm,
    DebriefFeedbackForm,
    MilestoneForm,
    PurchaseForm,
    SurveyForm,
)
from citytools.partnering.models import State
from citytools.partnering.services import outcome as services
from citytools.partnering.views.doors import challenge_for, domain_errors, finished, refusals

# Door helpers ----------------------------------------------------------------------------------


def _call(call):
    """Run a read of the services; refusals become 403 or 404."""
    with refusals():
        return call()


def nav_links(challenge, roles, viewer) -> list[tuple[str, str]]:
    """This part's pages that this person may use now (see citytools.partnering.views.challenge)."""
    slug = challenge.slug
    links = []
    state = State(challenge.state)
    if challenge.is_published:
        links.append(("Process metrics", reverse("partnering:challenge_metrics", kwargs={"slug": slug})))
        links.append(("Open data (OCDS)", reverse("partnering:ocds", kwargs={"slug": slug})))
    if state in rules.AWARDED:
        links.append(("Award notice", reverse("partnering:award", kwargs={"slug": slug})))
    if viewer.user is not None and services.debriefs_open(challenge):
        if roles.manages or roles.is_steward:
            links.append(("Debriefs", reverse("partnering:debriefs", kwargs={"slug": slug})))
        elif roles.suppliers:
            links.append(("Your debrief", reverse("partnering:debriefs", kwargs={"slug": slug})))
    if viewer.user is not None and services.may_follow_codesign(roles, challenge=challenge):
        links.append(("Co-design progress", reverse("partnering:codesign", kwargs={"slug": slug})))
    if viewer.user is not None and state in rules.AWARDED:
        if services.survey_open(challenge) and services.respondent_kind(challenge, roles):
            links.append(("Close-out survey", reverse("partnering:survey", kwargs={"slug": slug})))
        if services.may_read_survey(roles):
            links.append(("Survey results", reverse("partnering:survey_results", kwargs={"slug": slug})))
    return links


# The award notice and follow-on purchases ----------------------------------------------------------


@require_safe
def award(request, slug):
    challenge, roles = challenge_for(request, slug)
    notice = _call(lambda: services.award_notice(challenge, viewer=request.viewer))
    return render(request, "partnering/award.html", {
        "challenge": challenge,
        "notice": notice,
        "can_record_purchase": roles.manages,
        "debriefs": services.debrief_proposals(challenge, viewer=request.viewer) if request.viewer.user else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def purchase_add(request, slug):
    challenge, roles = challenge_for(request, slug)
    if challenge.state not in rules.AWARDED:
        raise Http404("No award has been made for this challenge.")
    if not roles.manages:
        raise PermissionDenied("Only the challenge's owners record a follow-on purchase.")
    contracts = list(services.purchasable_contracts(challenge, viewer=request.viewer))
    form = PurchaseForm(request.POST if request.method == "POST" else None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        with domain_errors(form):
            services.record_purchase(
                challenge, actor=request.user, viewer=request.viewer, contract=form.chosen(),
                note=form.cleaned_data["note"],
            )
            return finished(request, reverse("partnering:award", kwargs={"slug": slug}), "The purchase is linked to the challenge.")
    return render(
        request, "partnering/purchase_form.html",
        {"challenge": challenge, "form": form, "contracts": contracts},
        status=400 if form.is_bound else 200,
    )


# Debriefs ------------------------------------------------------------------------------------------


@login_required
@require_safe
def debriefs(request, slug):
    challenge, roles = challenge_for(request, slug)
    proposals = services.debrief_proposals(challenge, viewer=request.viewer)
    if not proposals:
        raise Http404("No debrief to show you.")
    if len(proposals) == 1 and not (roles.manages or roles.is_steward):
        return HttpResponseRedirect(reverse("partnering:debrief_proposal", kwargs={"slug": slug, "pk": proposals[0].pk}))
    return render(request, "partnering/debrief_list.html", {"challenge": challenge, "proposals": proposals})


@login_required
@require_safe
def debrief_proposal(request, slug, pk):
    challenge, _roles = challenge_for(request, slug)
    debrief = _call(lambda: services.debrief(challenge, viewer=request.viewer, proposal_id=pk))
    return render(request, "partnering/debrief.html", {"challenge": challenge, "debrief": debrief})


@login_required
@require_http_methods(["GET", "POST"])
def debrief_release(request, slug, pk):
    """The owners review the feedback on each criterion (drafted from the panel's feedback or
    the evaluators' comments) and release it to the applicant. Works without JavaScript."""
    challenge, roles = challenge_for(request, slug)
    debrief = _call(lambda: services.debrief(challenge, viewer=request.viewer, proposal_id=pk))
    if not services.may_release_debrief(roles):
        raise PermissionDenied("The challenge's owners review and release the feedback.")
    if not debrief.scored:
        raise Http404("This proposal was not scored: its debrief has no feedback on criteria.")
    drafts = {line.criterion_id: services.draft_feedback(line) for line in debrief.lines}
    form = DebriefFeedbackForm(request.POST or None, lines=debrief.lines, drafts=drafts)
    if request.method == "POST" and form.is_valid():
        with domain_errors(form):
            services.release_debrief(
                challenge, actor=request.user, viewer=request.viewer, proposal_id=pk, feedback=form.feedback()
            )
            return finished(
                request, reverse("partnering:debrief_proposal", kwargs={"slug": slug, "pk": pk}),
                f"The feedback was released to {debrief.supplier_name}, who has been told.",
            )
    return render(
        request, "partnering/debrief_release.html", {"challenge": challenge, "debrief": debrief, "form": form},
        status=400 if form.is_bound else 200,
    )


# Co-design --------------------------------------------------------------------------------------------


def _codesign(request, slug):
    challenge, roles = challenge_for(request, slug)
    if not services.may_follow_codesign(roles, challenge=challenge):
        raise Http404("No co-design to show.")
    can_run = rules.can_run_codesign(
        roles, state=State(challenge.state), partner_supplier=services.partner_supplier_id(challenge)
    )
    return challenge, roles, can_run


@login_required
@require_safe
def codesign(request, slug):
    challenge, _roles, can_run = _codesign(request, slug)
    progress = _call(lambda: services.progress(challenge, viewer=request.viewer))
    return render(request, "partnering/codesign.html", {
        "challenge": challenge, "progress": progress, "can_run": can_run,
        "partner": services.partner_proposal(challenge),
    })


def _codesign_form(request, slug, *, form_class, template, save, done_message):
    challenge, _roles, can_run = _codesign(request, slug)
    if not can_run:
        raise PermissionDenied("Only the owners and the partner record the co-design.")
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with domain_errors(form):
            save(challenge, form.cleaned_data)
            return finished(request, reverse("partnering:codesign", kwargs={"slug": slug}), done_message)
    return render(request, template, {"challenge": challenge, "form": form}, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request, slug):
    return _codesign_form(
        request, slug, form_class=MilestoneForm, template="partnering/milestone_form.html",
        save=lambda challenge, data: services.add_milestone(
            challenge, actor=request.user, viewer=request.viewer, title=data["title"], due_date=data["due_date"]
        ),
        done_message="Milestone added.",
    )


@login_required
@require_POST
def milestone_done(request, slug, pk):
    challenge, _roles, _can_run = _codesign(request, slug)
    with refusals():
        milestone = services.mark_milestone_done(challenge, actor=request.user, viewer=request.viewer, milestone_id=pk)
    return finished(request, reverse("partnering:codesign", kwargs={"slug": slug}), f"“{milestone.title}” is done.")


@login_required
@require_http_methods(["GET", "POST"])
def checkin_add(request, slug):
    return _codesign_form(
        request, slug, form_class=CheckInForm, template="partnering/checkin_form.html",
        save=lambda challenge, data: services.add_check_in(
            challenge, actor=request.user, viewer=request.viewer, status=data["status"], note=data["note"]
        ),
        done_message="Check-in recorded.",
    )


# The close-out survey --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey(request, slug):
    challenge, roles = challenge_for(request, slug)
    kind = services.respondent_kind(challenge, roles) if challenge.state in rules.AWARDED else None
    if kind is None:
        raise Http404("No survey for you here.")
    answered = services.my_response(challenge, viewer=request.viewer)
    is_open = services.survey_open(challenge)
    if request.method == "POST" and (answered or not is_open):
        raise PermissionDenied("The survey is not open to you.")
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # An answer already given (a Conflict) is an error of the whole form, as it names no field.
        with domain_errors(form):
            services.respond_to_survey(
                challenge, actor=request.user, viewer=request.viewer,
                satisfaction=data["satisfaction"], clarity=data["clarity"], effort_hours=data["effort_hours"],
                would_apply_again=data["would_apply_again"], keep=data["keep"], change=data["change"],
            )
            return finished(request, reverse("partnering:challenge", kwargs={"slug": slug}), "Thank you: your answers were recorded.")
    return render(request, "partnering/survey.html", {
        "challenge": challenge, "form": form, "answered": answered, "is_open": is_open, "kind": kind,
    }, status=400 if form.is_bound else 200)


@login_required
@require_safe
def survey_results(request, slug):
    challenge, _roles = challenge_for(request, slug)
    if challenge.state not in rules.AWARDED:
        raise Http404("No survey for this challenge yet.")
    summary = _call(lambda: services.survey_summary(challenge, viewer=request.viewer))
    charts = [
        column_chart(
            f"survey-{name}", title=title,
            rows=[{"score": f"{score} of 5", "answers": n} for score, n in sorted(counts.items())],
            label="score", value="answers", label_title="Answer", value_title="Answers", measure=COUNT,
        )
        for name, title, counts in (
            ("satisfaction", "Satisfaction with the process", summary.satisfaction_counts),
            ("clarity", "Clarity of the challenge document", summary.clarity_counts),
        )
    ] if summary.responses else []
    return render(request, "partnering/survey_results.html", {
        "challenge": challenge, "summary": summary, "is_open": services.survey_open(challenge), "charts": charts,
    })


# Metrics, lessons, notifications, open data -----------------------------------------------------------


def _pct(value):
    return "—" if value is None else f"{value:g}%"


@require_safe
def challenge_metrics(request, slug):
    challenge, _roles = challenge_for(request, slug)
    if not challenge.is_published:
        raise Http404("Only published challenges are measured.")
    facts = process_metrics.load_facts([challenge])
    row = process_metrics.challenge_metrics(facts[0])
    chart = None
    if not row.sealed and row.applicants:
        counts = Counter(a.scale for a in facts[0].applicants)
        chart = bar_chart(
            "itp-sizes", title="Applicants by the size they declared",
            rows=[{"size": label, "applicants": counts.get(scale, 0)} for scale, label in SIZES],
            label="size", value="applicants", label_title="Size", value_title="Applicants", measure=COUNT,
        )
    return render(
        request, "partnering/metrics_challenge.html", {"challenge": challenge, "m": row, "facts": facts[0], "chart": chart}
    )


SME_PART, LARGE_PART = "Micro, small or medium", "Large"
SIZES = (("micro", "Micro"), ("small", "Small"), ("medium", "Medium"), ("large", "Large"))


def metrics_charts(summary) -> list:
    rows = [r for r in summary.rows if not r.sealed]
    if not rows:
        return []
    parts = [SME_PART, LARGE_PART]
    applicants = stacked_bar_chart(
        "itp-applicants", title="Applicants per challenge, and how many were SMEs",
        rows=[
            {"challenge": r.reference, "size": part, "applicants": n}
            for r in rows for part, n in ((SME_PART, r.sme), (LARGE_PART, r.applicants - r.sme))
        ],
        label="challenge", series="size", value="applicants", label_title="Challenge", series_title="Size",
        value_title="Applicants", series_order=parts,
        columns=["Challenge", "Applicants", "SMEs", "First-time vendors"],
        table_rows=[[r.reference, r.applicants, r.sme, r.first_time] for r in rows],
    )
    charts = [applicants]
    timed = [r for r in rows if r.days_to_partner is not None]
    if timed:
        charts.append(bar_chart(
            "itp-days", title="Days from publication to partner",
            rows=[{"challenge": r.reference, "days": r.days_to_partner} for r in timed],
            label="challenge", value="days", label_title="Challenge", value_title="Days", measure=COUNT,
        ))
    return charts


@require_safe
def metrics(request):
    summary = process_metrics.across(process_metrics.load_facts(visible_challenges(request.viewer).public()))
    return render(request, "partnering/metrics.html", {
        "summary": summary,
        "benchmarks": process_metrics.benchmarks(summary),
        "charts": metrics_charts(summary),
        "sme_share": _pct(summary.sme_share),
        "first_time_share": _pct(summary.first_time_share),
    })


@login_required
@require_safe
def lessons(request):
    return render(request, "partnering/lessons.html", {"lessons": services.lessons(None, viewer=request.viewer)})


@login_required
@require_safe
def notifications(request):
    return render(request, "partnering/notifications.html", {"notifications": services.notifications_for(request.user)})


@require_safe
def ocds_every_release(request):
    challenges = list(visible_challenges(request.viewer).public().order_by("published_at", "pk"))
    response = JsonResponse(ocds.every_release_package(challenges), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'inline; filename="invitations-to-partner.json"'
    return response


@require_safe
def ocds_release_package(request, slug):
    challenge, _roles = challenge_for(request, slug)
    package = _call(lambda: ocds.release_package(challenge))
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{ocds.ocid(challenge)}.json"'
    return response


# Global pages come first: "all/metrics/" must not be read as the challenge "all".
urlpatterns = [
    path("all/metrics/", metrics, name="metrics"),
    path("all/lessons/", lessons, name="lessons"),
    path("all/ocds.json", ocds_every_release, name="ocds_all"),
    path("my/notifications/", notifications, name="notifications"),
    path("<slug:slug>/award/", award, name="award"),
    path("<slug:slug>/award/purchase/", purchase_add, name="purchase_add"),
    path("<slug:slug>/debriefs/", debriefs, name="debriefs"),
    path("<slug:slug>/debriefs/<int:pk>/", debrief_proposal, name="debrief_proposal"),
    path("<slug:slug>/debriefs/<int:pk>/release/", debrief_release, name="debrief_release"),
    path("<slug:slug>/codesign/", codesign, name="codesign"),
    path("<slug:slug>/codesign/milestones/", milestone_add, name="milestone_add"),
    path("<slug:slug>/codesign/milestones/<int:pk>/done/", milestone_done, name="milestone_done"),
    path("<slug:slug>/codesign/check-ins/", checkin_add, name="checkin_add"),
    path("<slug:slug>/survey/", survey, name="survey"),
    path("<slug:slug>/survey/results/", survey_results, name="survey_results"),
    path("<slug:slug>/metrics/", challenge_metrics, name="challenge_metrics"),
    path("<slug:slug>/ocds.json", ocds_release_package, name="ocds"),
]
