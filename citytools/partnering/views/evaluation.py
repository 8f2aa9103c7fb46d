"""Pages: the evaluator's declaration, their scoring list and per-proposal scoring form,
finishing, the consensus table (with its chart and table alternative), a consensus score's
edit, and the selection: the owners' nomination and the steward's sign-off.

Thin doors over citytools.partnering.services.evaluation. With blind scoring, evaluators see
"Proposal A, B …" on every page here (services.evaluation.Names).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.core.charts import bar_chart, score
from citytools.partnering import rules
from citytools.partnering.forms_evaluation import (
    ConsensusForm,
    DeclarationForm,
    ScoreForm,
    SelectionForm,
)
from citytools.partnering.models import Criterion, Proposal, State
from citytools.partnering.services import evaluation as services
from citytools.partnering.services.proposals import is_unsealed, readable_proposal
from citytools.partnering.views.doors import (
    bounced,
    challenge_for,
    domain_errors,
    finished,
    refusals,
    status_of,
)


def _locked(challenge) -> bool:
    return challenge.consensus_locked_at is not None


def nav_links(challenge, roles, viewer) -> list[tuple[str, str]]:
    """This part's pages that this person may use now (see citytools.partnering.views.challenge)."""
    slug = challenge.slug
    state = State(challenge.state)
    links = []
    if roles.is_evaluator and is_unsealed(challenge):
        links.append(("Conflict of interest declaration", reverse("partnering:declaration", args=[slug])))
        if roles.evaluator_may_read:
            links.append(("Your scoring", reverse("partnering:scoring", args=[slug])))
    if rules.can_see_all_scores(roles, locked=_locked(challenge)):
        links.append(("Consensus scores and ranking", reverse("partnering:consensus", args=[slug])))
        if state != State.UNSUCCESSFUL and state != State.CANCELLED:
            links.append(("Selection", reverse("partnering:selection", args=[slug])))
    return links


def _call(function, *args, **kwargs):
    with refusals():
        return function(*args, **kwargs)


# Declaration ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def declaration(request, slug):
    challenge, _roles = challenge_for(request, slug)
    evaluator = _call(services.evaluator_for, challenge, actor=request.user, viewer=request.viewer)
    names = services.applicant_names(challenge, actor=request.user, viewer=request.viewer)
    open_now = State(challenge.state) in services.DECLARATION_STATES and not _locked(challenge)
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        if form.is_valid():
            with domain_errors(form):
                services.declare_interests(
                    challenge, actor=request.user, viewer=request.viewer,
                    has_conflict=form.cleaned_data["conflict"] == "yes", note=form.cleaned_data["note"],
                )
                done = (
                    "You declared a conflict of interest and are recused from this evaluation."
                    if form.cleaned_data["conflict"] == "yes"
                    else "Declaration recorded. You can now read and score the proposals."
                )
                target = "partnering:declaration" if form.cleaned_data["conflict"] == "yes" else "partnering:scoring"
                return finished(request, reverse(target, args=[challenge.slug]), done)
    else:
        initial = {}
        if evaluator.declared_at:
            initial = {"conflict": "yes" if evaluator.has_conflict else "no", "note": evaluator.conflict_note}
        form = DeclarationForm(initial=initial)
    return render(
        request,
        "partnering/declaration.html",
        {"challenge": challenge, "evaluator": evaluator, "names": names, "form": form, "open": open_now,
         "unsealed": is_unsealed(challenge)},
        status=status_of(form),
    )


# Scoring --------------------------------------------------------------------------------------


@login_required
@require_safe
def scoring(request, slug):
    challenge, roles = challenge_for(request, slug)
    evaluator = _call(services.evaluator_for, challenge, actor=request.user, viewer=request.viewer)
    rows = services.scoring_progress(challenge, actor=request.user, viewer=request.viewer)
    can_score = rules.can_score(roles, state=State(challenge.state), locked=_locked(challenge))
    return render(
        request,
        "partnering/scoring.html",
        {
            "challenge": challenge, "evaluator": evaluator, "rows": rows, "can_score": can_score,
            "scored": sum(r.scored for r in rows), "total": sum(r.total for r in rows),
            "all_done": bool(rows) and all(r.done for r in rows),
        },
    )


def _scorable(request, challenge, roles, pk) -> Proposal:
    if not roles.evaluator_may_read:
        raise PermissionDenied("Only evaluators who declared no conflict of interest score.")
    proposal = _call(readable_proposal, request.viewer, challenge, pk)
    if proposal.status != Proposal.Status.SUBMITTED or not proposal.eligible:
        raise Http404("Only eligible proposals are scored.")
    return proposal


@login_required
@require_http_methods(["GET", "POST"])
def score_proposal(request, slug, pk):
    challenge, roles = challenge_for(request, slug)
    proposal = _scorable(request, challenge, roles, pk)
    criteria = list(challenge.criteria.all())
    mine = {key[1]: score for key, score in services.own_scores(challenge, actor=request.user, viewer=request.viewer).items() if key[0] == proposal.pk}
    can_score = rules.can_score(roles, state=State(challenge.state), locked=_locked(challenge))
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied("The scores are locked, or evaluation has not started.")
        form = ScoreForm(request.POST, criteria=criteria, mine=mine)
        if form.is_valid():
            with domain_errors(form):
                services.score_proposal(proposal, actor=request.user, viewer=request.viewer, scores=form.scores())
                return finished(request, reverse("partnering:scoring", args=[challenge.slug]), "Your scores are saved.")
    else:
        form = ScoreForm(criteria=criteria, mine=mine)
    names = services.Names(roles, challenge)
    return render(
        request,
        "partnering/scoring_proposal.html",
        {"challenge": challenge, "proposal": proposal, "name": names(proposal), "blind": names.blind, "form": form,
         "can_score": can_score, "attachments": list(proposal.attachments.all())},
        status=status_of(form),
    )


@login_required
@require_POST
def scoring_complete(request, slug):
    challenge, _roles = challenge_for(request, slug)
    back = reverse("partnering:scoring", args=[challenge.slug])
    with domain_errors() as refusal:
        services.complete_evaluation(challenge, actor=request.user, viewer=request.viewer)
        return finished(request, back, "Your evaluation is complete. Thank you.")
    return bounced(request, back, refusal.message)


# Consensus ------------------------------------------------------------------------------------


def _ranking(request, challenge):
    return _call(services.ranking, challenge, viewer=request.viewer)


def totals_chart(challenge, rows):
    data = [{"proposal": row.name, "total": row.total} for row in rows]
    return bar_chart(
        "consensus-totals",
        title="Normalised weighted totals (0–100)",
        rows=data,
        label="proposal",
        value="total",
        label_title="Proposal",
        value_title="Total (0–100)",
        measure=score(0, 100),
        empty="No proposal has a consensus score yet.",
        description="Consensus scores weighted by each criterion's weight, out of 100, in rank order.",
        columns=["Proposal", "Rank", "Total (0–100)"],
        table_rows=[[row.name, row.rank, f"{row.total:.2f}"] for row in rows],
    )


@login_required
@require_safe
def consensus(request, slug):
    challenge, roles = challenge_for(request, slug)
    rows = _ranking(request, challenge)
    criteria = list(challenge.criteria.all())
    return render(
        request,
        "partnering/consensus.html",
        {
            "challenge": challenge, "rows": rows, "criteria": criteria, "chart": totals_chart(challenge, rows),
            "can_edit": rules.can_set_consensus(roles, state=State(challenge.state)),
            "tie_break": challenge.tie_break_text,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consensus_edit(request, slug, proposal_pk, criterion_pk):
    challenge, roles = challenge_for(request, slug)
    row = _call(services.consensus_score, challenge, proposal_pk, criterion_pk, viewer=request.viewer)
    if not rules.can_set_consensus(roles, state=State(challenge.state)):
        raise PermissionDenied("The owners or the steward agree consensus scores, during selection.")
    criterion: Criterion = row.criterion
    if request.method == "POST":
        form = ConsensusForm(request.POST)
        if form.is_valid():
            with domain_errors(form):
                services.set_consensus(
                    row.proposal, criterion, actor=request.user, viewer=request.viewer, **form.cleaned_data
                )
                return finished(request, reverse("partnering:consensus", args=[challenge.slug]), "Consensus score saved.")
    else:
        form = ConsensusForm(initial={"score": f"{row.score.normalize():f}", "rationale": row.rationale, "feedback": row.feedback})
    individual = [
        (str(s.evaluator.user), s.score, s.comment)
        for s in row.proposal.scores.filter(criterion=criterion, evaluator__has_conflict=False)
        .select_related("evaluator__user").order_by("evaluator__pk")
    ]
    return render(
        request,
        "partnering/consensus_edit.html",
        {
            "challenge": challenge, "row": row, "criterion": criterion, "form": form, "individual": individual,
            "name": services.Names(roles, challenge)(row.proposal), "history": services.consensus_history(row),
        },
        status=status_of(form),
    )


# Selection ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def selection(request, slug):
    challenge, roles = challenge_for(request, slug)
    rows = _ranking(request, challenge)
    can_nominate = rules.can_nominate(roles, state=State(challenge.state))
    choices = [(str(row.proposal.pk), f"{row.name} — rank {row.rank}, {row.total:.2f}") for row in rows]
    conflict = ""
    if request.method == "POST":
        if not can_nominate:
            raise PermissionDenied("The owners nominate the partner, during selection.")
        form = SelectionForm(request.POST, choices=choices, currency=challenge.currency)
        if form.is_valid():
            with domain_errors(form, conflicts=True) as refusal:
                services.select_proposal(
                    challenge, actor=request.user, viewer=request.viewer, proposal=int(form.cleaned_data["proposal"]),
                    rationale=form.cleaned_data["rationale"], awarded_value=form.cleaned_data["awarded_value"],
                    version=form.cleaned_data["version"],
                )
                return finished(
                    request, reverse("partnering:selection", args=[challenge.slug]),
                    "Nomination recorded. The steward signs it off.",
                )
            conflict = refusal.conflict
    else:
        suggested = challenge.selected_proposal_id or (rows[0].proposal.pk if rows else None)
        form = SelectionForm(
            initial={"proposal": str(suggested) if suggested else None, "rationale": challenge.selection_rationale,
                     "awarded_value": "" if challenge.awarded_value is None else f"{challenge.awarded_value:.2f}",
                     "version": challenge.version},
            choices=choices, currency=challenge.currency,
        )
    nominated = next((row for row in rows if row.proposal.pk == challenge.selected_proposal_id), None)
    return render(
        request,
        "partnering/selection.html",
        {
            "challenge": challenge, "rows": rows, "form": form, "conflict": conflict, "nominated": nominated,
            "can_nominate": can_nominate,
            "can_sign_off": roles.is_steward and State(challenge.state) == State.SELECTION,
            "waiting": [str(e.user) for e in services.lifecycle.incomplete_evaluators(challenge)],
        },
        status=status_of(form, conflict),
    )


@login_required
@require_POST
def selection_sign_off(request, slug):
    challenge, _roles = challenge_for(request, slug)
    back = reverse("partnering:selection", args=[challenge.slug])
    with domain_errors() as refusal:
        services.sign_off(challenge, actor=request.user, viewer=request.viewer)
        return finished(request, challenge.get_absolute_url(), "Selection signed off: the challenge is partnered.")
    return bounced(request, back, refusal.message)


urlpatterns = [
    path("<slug:slug>/declaration/", declaration, name="declaration"),
    path("<slug:slug>/scoring/", scoring, name="scoring"),
    path("<slug:slug>/scoring/complete/", scoring_complete, name="scoring_complete"),
    path("<slug:slug>/scoring/<int:pk>/", score_proposal, name="score_proposal"),
    path("<slug:slug>/consensus/", consensus, name="consensus"),
    path("<slug:slug>/consensus/<int:proposal_pk>/criteria/<int:criterion_pk>/", consensus_edit, name="consensus_edit"),
    path("<slug:slug>/selection/", selection, name="selection"),
    path("<slug:slug>/selection/sign-off/", selection_sign_off, name="selection_sign_off"),
]
