"""Pages: the challenge (its hub and plain-language ITP document), its list, and writing it:
the document, criteria, panel, moves, questions, addenda and its log.

Thin doors: each finds the challenge, asks `roles_for` and citytools.partnering.rules (404
when the person may not see it, 403 when they may not act), parses the form and calls
citytools.partnering.services.authoring. A DomainError becomes an error against the field it
names; a Conflict (someone saved first) re-renders the form with the input kept (409).
Every form works without JavaScript.
"""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.core.charts import COUNT, bar_chart
from citytools.directory.models import Organisation
from citytools.partnering import documents, rules
from citytools.partnering.access import roles_for, visible_challenges
from citytools.partnering.forms import (
    AddendumForm,
    AnswerForm,
    ChallengeForm,
    CriterionFormSet,
    EligibilityForm,
    MoveForm,
    PanelForm,
    QuestionForm,
)
from citytools.partnering.models import Challenge, Question, State
from citytools.partnering.scoring import DEFAULT_TIE_BREAK
from citytools.partnering.services import authoring as services
from citytools.partnering.services import outcome as outcome_services
from citytools.partnering.views.doors import (
    bounced,
    challenge_for,
    domain_errors,
    finished,
    forbid_unless,
)

# Door helpers ----------------------------------------------------------------------------


def _status(form_or_forms, conflict: str = "") -> int:
    bound = any(f.is_bound for f in form_or_forms) if isinstance(form_or_forms, (list, tuple)) else form_or_forms.is_bound
    return 409 if conflict else 400 if bound else 200


def nav_links(challenge, roles, viewer) -> list[tuple[str, str]]:
    """This part's pages that this person may use now (see citytools.partnering.views.challenge)."""
    slug = challenge.slug
    links = []
    if rules.can_edit(roles, state=challenge.state):
        links.append(("Edit the challenge", reverse("partnering:challenge_edit", args=[slug])))
        links.append(("Evaluation and eligibility criteria", reverse("partnering:challenge_criteria", args=[slug])))
    if roles.is_panel:
        links.append(("Steward and evaluators", reverse("partnering:challenge_panel", args=[slug])))
    if challenge.is_published or roles.is_panel:
        links.append(("Questions and answers", reverse("partnering:questions", args=[slug])))
        links.append(("Addenda", reverse("partnering:addenda", args=[slug])))
        links.append(("Log of moves and changes", reverse("partnering:challenge_log", args=[slug])))
        links.append(("Challenge document (PDF)", reverse("partnering:challenge_pdf", args=[slug])))
    return links


# The list --------------------------------------------------------------------------------


@require_safe
def challenge_list(request):
    viewer = request.viewer
    visible = visible_challenges(viewer).select_related("rules").prefetch_related("owners")
    state = request.GET.get("state", "")
    owner = request.GET.get("owner", "")
    challenges = visible
    if state in State.values:
        challenges = challenges.filter(state=state)
    else:
        state = ""
    owner_organisations = Organisation.objects.filter(challenges__in=visible).distinct().order_by("name")
    if owner and owner_organisations.filter(slug=owner).exists():
        challenges = challenges.filter(ownerships__organisation__slug=owner).distinct()
    else:
        owner = ""
    challenges = list(challenges.order_by("-published_at", "-created_at"))
    counts = Counter(visible.values_list("state", flat=True))
    rows = [{"state": s.label, "challenges": counts[s.value]} for s in State if counts[s.value]]
    chart = bar_chart(
        "challenges-by-state",
        title="Challenges by state",
        rows=rows,
        label="state",
        value="challenges",
        label_title="State",
        value_title="Challenges",
        measure=COUNT,
    ) if rows else None
    return render(
        request,
        "partnering/challenge_list.html",
        {
            "challenges": challenges,
            "chart": chart,
            "states": State.choices,
            "state": state,
            "owner": owner,
            "owner_organisations": owner_organisations,
            "may_create": services.may_create(viewer),
        },
    )


# The challenge and its document -----------------------------------------------------------


@require_safe
def challenge_pdf(request, slug):
    challenge, _roles = challenge_for(request, slug)
    pdf = documents.challenge_pdf(challenge, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{challenge.reference or challenge.slug}.pdf"'
    return response


# Writing the challenge ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def challenge_new(request):
    viewer = request.viewer
    forbid_unless(services.may_create(viewer), "Only organisation editors, network coordinators and admins open challenges.")
    organisations = list(services.creatable_organisations(viewer).order_by("name"))
    if request.method == "POST":
        allowed = {o.slug for o in organisations}
        asked = request.POST.getlist("owners")
        forbid_unless(
            all(slug in allowed for slug in asked),
            "You may open challenges only for your own organisation or your network's organisations.",
        )
        form = ChallengeForm(request.POST, organisations=organisations, creating=True)
        template = _template(request, request.POST.get("template", ""))
        if form.is_valid():
            by_slug = {o.slug: o for o in organisations}
            owners = [by_slug[s] for s in form.cleaned_data["owners"]]
            with domain_errors(form):
                challenge = services.create_challenge(
                    actor=request.user,
                    viewer=viewer,
                    owners=owners,
                    template=template,
                    **form.changes(),
                )
                return finished(request, challenge.get_absolute_url(), "The challenge was created as a draft.")
    else:
        initial = {
            # The currency of the rules the challenge will be under (its lead's jurisdiction).
            "currency": services.currency_for(organisations[0] if len(organisations) == 1 else None),
            "terms_non_binding": True,
            "terms_vendor_owns_prototype": True,
            "terms_separate_purchase": True,
            "tie_break": DEFAULT_TIE_BREAK,
        }
        if len(organisations) == 1:
            initial["owners"] = [organisations[0].slug]
        template = _template(request, request.GET.get("from", ""))
        if template is not None:
            initial.update(services.template_fields(template))
        form = ChallengeForm(initial=initial, organisations=organisations, creating=True)
    return render(
        request,
        "partnering/challenge_form.html",
        {
            "form": form, "challenge": None, "template": template,
            "templates": services.templates_for(viewer),
            "lessons": outcome_services.lessons(None, viewer=viewer),
        },
        status=_status(form),
    )


def _template(request, slug: str):
    """The earlier challenge a new one starts from (?from=slug), if the person may read it."""
    if not slug:
        return None
    challenge = Challenge.objects.filter(slug=slug).first()
    if challenge is None:
        raise Http404("No such challenge to start from.")
    roles = roles_for(request.viewer, challenge)
    if not rules.can_view(roles, published=challenge.is_published):
        raise Http404("No such challenge to start from.")
    return challenge


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request, slug):
    challenge, roles = challenge_for(request, slug)
    forbid_unless(rules.can_edit(roles, state=challenge.state), "Only the owners change a challenge, and only in draft.")
    conflict = ""
    if request.method == "POST":
        form = ChallengeForm(request.POST)
        form.fields["version"].required = True
        if form.is_valid():
            with domain_errors(form, conflicts=True) as refusal:
                services.update_challenge(
                    challenge, actor=request.user, viewer=request.viewer,
                    version=form.cleaned_data["version"], changes=form.changes(),
                )
                return finished(request, challenge.get_absolute_url(), "Your changes were saved.")
            conflict = refusal.conflict
    else:
        form = ChallengeForm(initial=ChallengeForm.initial_from(challenge))
    return render(
        request, "partnering/challenge_form.html",
        {"form": form, "challenge": challenge, "conflict": conflict},
        status=_status(form, conflict),
    )


def _criteria_initial(challenge) -> list[dict]:
    return [
        {
            "name": c.name, "description": c.description, "weight": c.weight, "scale_max": c.scale_max,
            "level_texts": "\n".join(c.level_texts or []),
        }
        for c in challenge.criteria.all()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def challenge_criteria(request, slug):
    challenge, roles = challenge_for(request, slug)
    forbid_unless(
        rules.can_edit(roles, state=challenge.state),
        "Only the owners set the criteria, and only in draft: they are frozen once published.",
    )
    conflict = ""
    if request.method == "POST":
        data = request.POST.copy()
        if "add" in data:
            # "Add another criterion" without JavaScript: the same rows, and one more blank.
            try:
                total = int(data.get("criteria-TOTAL_FORMS") or 0)
            except ValueError:
                total = 0
            data["criteria-TOTAL_FORMS"] = str(max(1, min(total + 1, 20)))
            data["criteria-INITIAL_FORMS"] = "0"
            formset = CriterionFormSet(data, prefix="criteria")
            eligibility = EligibilityForm(data)
            return render(
                request, "partnering/challenge_criteria.html",
                {"challenge": challenge, "formset": formset, "eligibility": eligibility, "adding": True},
            )
        formset = CriterionFormSet(data, prefix="criteria")
        eligibility = EligibilityForm(data)
        if formset.is_valid() and eligibility.is_valid():
            rows = [row for row in (form.row() for form in formset.forms) if row]
            with domain_errors(conflicts=True) as refusal:
                services.set_criteria(
                    challenge, actor=request.user, viewer=request.viewer,
                    version=eligibility.cleaned_data["version"], criteria=rows, eligibility=eligibility.lines(),
                )
                return finished(request, challenge.get_absolute_url(), "The criteria were saved.")
            conflict = refusal.conflict
            if not conflict:
                # The criteria are rows of a formset: a refusal is shown once, above them.
                eligibility.add_error(None, refusal.message)
        status = 409 if conflict else 400
    else:
        formset = CriterionFormSet(initial=_criteria_initial(challenge), prefix="criteria")
        eligibility = EligibilityForm(
            initial={
                "eligibility": "\n".join(e.text for e in challenge.eligibility_criteria.all()),
                "version": challenge.version,
            }
        )
        status = 200
    return render(
        request, "partnering/challenge_criteria.html",
        {"challenge": challenge, "formset": formset, "eligibility": eligibility, "conflict": conflict},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_panel(request, slug):
    challenge, roles = challenge_for(request, slug)
    forbid_unless(roles.is_panel, "Only the challenge's panel sees who is on it.")
    may_manage = rules.can_manage_panel(roles, state=challenge.state)
    evaluators = list(challenge.evaluators.select_related("user"))
    candidates = list(services.panel_candidates(challenge))
    for person in [challenge.steward, *(e.user for e in evaluators)]:
        if person is not None and person not in candidates:
            candidates.append(person)
    if request.method == "POST":
        forbid_unless(may_manage, "Only the owners choose the panel, until the scores are locked.")
        form = PanelForm(request.POST, candidates=candidates)
        if form.is_valid():
            by_pk = {str(u.pk): u for u in candidates}
            steward = by_pk.get(form.cleaned_data["steward"] or "")
            chosen = [by_pk[pk] for pk in form.cleaned_data["evaluators"]]
            with domain_errors(form):
                services.set_panel(challenge, actor=request.user, viewer=request.viewer, steward=steward, evaluators=chosen)
                return finished(request, reverse("partnering:challenge_panel", args=[slug]), "The panel was saved.")
    else:
        form = PanelForm(
            initial={"steward": str(challenge.steward_id or ""), "evaluators": [str(e.user_id) for e in evaluators]},
            candidates=candidates,
        )
    return render(
        request, "partnering/challenge_panel.html",
        {"challenge": challenge, "form": form, "evaluators": evaluators, "may_manage": may_manage},
        status=_status(form),
    )


# Moves -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def challenge_move(request, slug):
    challenge, roles = challenge_for(request, slug)
    moves = services.available_moves(challenge, roles)
    forbid_unless(bool(moves), "You have no move to make on this challenge now.")
    source = request.POST if request.method == "POST" else request.GET
    chosen = next((m for m in moves if m.to == source.get("to")), None)
    conflict = ""
    if request.method == "POST":
        forbid_unless(chosen is not None, "You may not make this move now.")
        form = MoveForm(request.POST)
        if form.is_valid():
            with domain_errors(form, conflicts=True) as refusal:
                services.move_challenge(
                    challenge, chosen.to, actor=request.user, viewer=request.viewer,
                    reason=form.cleaned_data["reason"], version=form.cleaned_data["version"],
                )
                return finished(request, challenge.get_absolute_url(), f"The challenge is now {chosen.phrase}.")
            conflict = refusal.conflict
            # A move refused for several reasons names the first on the form, the others beside it.
            for problem in getattr(refusal.error, "problems", [])[1:]:
                form.add_error(None, problem.message)
        status = 409 if conflict else 400
    else:
        form = MoveForm(initial={"to": chosen.to.value if chosen else "", "version": challenge.version})
        status = 200
    return render(
        request, "partnering/challenge_move.html",
        {"challenge": challenge, "form": form, "move": chosen, "moves": moves, "conflict": conflict},
        status=status,
    )


@require_safe
def challenge_log(request, slug):
    challenge, roles = challenge_for(request, slug)
    transitions = services.challenge_moves(challenge, roles)
    history = services.challenge_history(challenge) if roles.is_panel else []
    return render(
        request, "partnering/challenge_log.html",
        {"challenge": challenge, "transitions": transitions, "history": history, "show_people": roles.is_panel},
    )


# Questions and addenda --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def questions(request, slug):
    challenge, roles = challenge_for(request, slug)
    viewer = request.viewer
    form = QuestionForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.path}")
        forbid_unless(rules.can_apply(roles), "Only applicants ask questions.")
        forbid_unless(services.questions_open(challenge), "Questions are closed.")
        form = QuestionForm(request.POST)
        if form.is_valid():
            with domain_errors(form):
                services.ask_question(challenge, actor=request.user, viewer=viewer, text=form.cleaned_data["text"])
                return finished(
                    request, reverse("partnering:questions", args=[slug]),
                    "Your question was sent. Its answer will be published here, without your name.",
                )
        status = 400
    listed = list(services.public_questions(challenge, viewer, roles))
    may_answer = rules.can_answer_questions(roles) and challenge.state in rules.OPEN_FOR_SUBMISSIONS
    for question in listed:
        question.mine = viewer.user is not None and question.asked_by_id == viewer.user.pk
        if may_answer:
            question.form = AnswerForm(initial={"answer": question.answer}, prefix=f"q{question.pk}")
    return render(
        request, "partnering/questions.html",
        {
            "challenge": challenge,
            "questions": listed,
            "form": form,
            "may_ask": rules.can_apply(roles) and services.questions_open(challenge),
            "deadline_passed": challenge.question_deadline is not None and challenge.question_deadline <= timezone.now(),
            "may_answer": may_answer,
        },
        status=status,
    )


@login_required
@require_POST
def question_answer(request, slug, pk):
    challenge, roles = challenge_for(request, slug)
    question = get_object_or_404(Question, challenge=challenge, pk=pk)
    forbid_unless(rules.can_answer_questions(roles), "Only the challenge's owners answer questions.")
    forbid_unless(challenge.state in rules.OPEN_FOR_SUBMISSIONS, "Questions are answered only while the challenge is open.")
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        with domain_errors(form):
            services.answer_question(challenge, question, actor=request.user, viewer=request.viewer, answer=form.cleaned_data["answer"])
            return finished(request, reverse("partnering:questions", args=[slug]), "The answer is published.")
    question.form = form
    return render(
        request, "partnering/question_answer.html", {"challenge": challenge, "question": question, "form": form}, status=400
    )


@require_http_methods(["GET", "HEAD", "POST"])
def addenda(request, slug):
    challenge, roles = challenge_for(request, slug)
    may_issue = rules.can_issue_addendum(roles, state=challenge.state)
    form = AddendumForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.path}")
        forbid_unless(may_issue, "Only the owners issue addenda, while the challenge is open.")
        form = AddendumForm(request.POST)
        if form.is_valid():
            with domain_errors(form):
                addendum = services.issue_addendum(
                    challenge, actor=request.user, viewer=request.viewer,
                    title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                    material=form.cleaned_data["material"],
                    new_submission_deadline=form.cleaned_data["new_submission_deadline"],
                )
                return finished(
                    request, reverse("partnering:addenda", args=[slug]),
                    f"Addendum {addendum.number} is published; every engaged applicant was told.",
                )
        status = 400
    return render(
        request, "partnering/addenda.html",
        {"challenge": challenge, "addenda": challenge.addenda.all(), "form": form, "may_issue": may_issue},
        status=status,
    )


@login_required
@require_POST
def interest(request, slug):
    challenge, _roles = challenge_for(request, slug)
    with domain_errors() as refusal:
        services.register_interest(challenge, actor=request.user, viewer=request.viewer)
        return finished(request, challenge.get_absolute_url(), "Your interest is registered: you will hear of every addendum.")
    return bounced(request, challenge.get_absolute_url(), refusal.message)


urlpatterns = [
    path("", challenge_list, name="challenges"),
    path("new/", challenge_new, name="challenge_new"),
    path("<slug:slug>/document.pdf", challenge_pdf, name="challenge_pdf"),
    path("<slug:slug>/edit/", challenge_edit, name="challenge_edit"),
    path("<slug:slug>/criteria/", challenge_criteria, name="challenge_criteria"),
    path("<slug:slug>/panel/", challenge_panel, name="challenge_panel"),
    path("<slug:slug>/move/", challenge_move, name="challenge_move"),
    path("<slug:slug>/log/", challenge_log, name="challenge_log"),
    path("<slug:slug>/questions/", questions, name="questions"),
    path("<slug:slug>/questions/<int:pk>/answer/", question_answer, name="question_answer"),
    path("<slug:slug>/addenda/", addenda, name="addenda"),
    path("<slug:slug>/interest/", interest, name="interest"),
]
