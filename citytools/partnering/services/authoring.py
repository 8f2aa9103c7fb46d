"""Writing a challenge: the document, its criteria, owners and panel, its moves, and the
questions and addenda of its open period. The pages, the API and the commands all call these.

Every function takes `actor` (the User acting) and `viewer` (their Viewer), asks
citytools.partnering.rules through `roles_for`, and refuses with NotFound (cannot see the
challenge), Forbidden (sees it, may not do this now) or DomainError (what they sent is wrong).
Changes to the challenge itself state the version they were based on; a stale one is a Conflict.
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import slugify

from citytools.accounts.models import Role, User
from citytools.accounts.viewer import Viewer
from citytools.core import history
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.core.money import parse_money
from citytools.directory.models import NetworkMembership, Organisation, Supplier
from citytools.partnering import lifecycle, rules
from citytools.partnering.access import roles_for, visible_challenges
from citytools.partnering.models import (
    Addendum,
    Challenge,
    ChallengeOwner,
    Criterion,
    EligibilityCriterion,
    Evaluator,
    Interest,
    Jurisdiction,
    Proposal,
    PublicationRules,
    Question,
    Score,
    State,
    Transition,
)
from citytools.partnering.notify import notify
from citytools.partnering.scoring import TIE_BREAKS
from citytools.partnering.services import notices

STALE = "The challenge changed since you opened it. Nothing was saved. Reload it, then make your change again."

# The fields of the challenge document an owner writes (the rest is set by the lifecycle).
TEXT_FIELDS = (
    "title", "problem_statement", "background", "affected", "outcomes", "out_of_scope",
    "how_to_apply", "terms_text", "contact_name",
)
FIELDS = (
    *TEXT_FIELDS, "tie_break", "contact_email", "budget_cap", "currency", "codesign_weeks", "blind_scoring",
    "terms_non_binding", "terms_vendor_owns_prototype", "terms_separate_purchase",
    "publication_date", "question_deadline", "submission_deadline", "evaluation_date", "expected_start",
)
BOOLEANS = ("blind_scoring", "terms_non_binding", "terms_vendor_owns_prototype", "terms_separate_purchase")
DATES = ("publication_date", "evaluation_date", "expected_start")
INSTANTS = ("question_deadline", "submission_deadline")
# Addresses the pages use under /challenges/.
RESERVED_SLUGS = {"new", "all"}


def _fmt(moment) -> str:
    return format_date(timezone.localtime(moment), "j F Y, H:i")


# Seeing and acting ------------------------------------------------------------------------


def visible_roles(challenge: Challenge, viewer) -> rules.ChallengeRoles:
    """The person's roles, or NotFound when they may not see the challenge at all."""
    roles = roles_for(viewer, challenge)
    if not rules.can_view(roles, published=challenge.is_published):
        raise NotFound("No such challenge.")
    return roles


def _locked(challenge: Challenge, version: int | None) -> Challenge:
    fresh = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if version is not None and fresh.version != version:
        raise Conflict(STALE, code="stale_version")
    return fresh


def _save(challenge: Challenge, actor, reason: str | None = None) -> Challenge:
    challenge.version += 1
    challenge._history_user = actor
    challenge._change_reason = reason
    challenge.save()
    return challenge


def require_editable(roles, challenge: Challenge) -> None:
    if not roles.manages:
        raise Forbidden("Only the challenge's owners can change it.")
    if not rules.can_edit(roles, state=challenge.state):
        raise Forbidden(
            "The challenge can be changed only while it is a draft. After publication, changes are made by addendum.",
            code="not_draft",
        )


def may_create_for(viewer, organisation: Organisation) -> bool:
    """An editor creates challenges for their own organisation, a network coordinator for the
    organisations of their network (a joint ITP), an admin for any."""
    grants = viewer.grants
    return (
        grants.is_admin
        or organisation.pk in grants.editor_organisations
        or bool(viewer.networks_of(organisation.pk) & grants.coordinator_networks)
    )


def owners_among(viewer, organisations) -> list[Organisation]:
    """Those of `organisations` this person may open a challenge for: the owners of a joint
    ITP started from something several organisations share (a pain point, an initiative)."""
    return [o for o in organisations if may_create_for(viewer, o)]


def creatable_organisations(viewer):
    """The organisations this person may open a challenge for, as the form lists them. An
    admin may open one for any organisation (through the API too), but the form lists those
    in a network: the public bodies the deployment works with, not the whole register."""
    grants = viewer.grants
    if grants.is_admin:
        return Organisation.objects.filter(memberships__isnull=False).distinct()
    networks = grants.coordinator_networks
    return Organisation.objects.filter(
        Q(pk__in=grants.editor_organisations) | Q(memberships__network__in=networks)
    ).distinct()


def may_create(viewer) -> bool:
    grants = viewer.grants
    return bool(grants.is_admin or grants.editor_organisations or grants.coordinator_networks)


def default_rules() -> PublicationRules:
    """The rules of an organisation under no jurisdiction's: the first set defined, or a new
    set with the City of Toronto's defaults."""
    rules_ = PublicationRules.objects.order_by("pk").first()
    if rules_ is None:
        rules_ = PublicationRules.objects.create(slug="default", name="Default (after the City of Toronto)")
    return rules_


def rules_for(organisation) -> PublicationRules:
    """The publication rules a challenge led by `organisation` must pass: its jurisdiction's,
    or the default. Owners do not choose them."""
    jurisdiction = Jurisdiction.objects.filter(organisation=organisation).select_related("rules").first()
    return jurisdiction.rules if jurisdiction else default_rules()


def currency_for(organisation=None) -> str:
    """The currency a challenge led by `organisation` is budgeted in (its rules' currency),
    read without creating the default rules."""
    jurisdiction = None
    if organisation is not None:
        jurisdiction = Jurisdiction.objects.filter(organisation=organisation).select_related("rules").first()
    rules_ = jurisdiction.rules if jurisdiction else PublicationRules.objects.order_by("pk").first()
    return rules_.currency if rules_ else PublicationRules._meta.get_field("currency").default


# Cleaning what was sent -------------------------------------------------------------------


def _clean_fields(fields: dict) -> dict:
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise DomainError(f"These fields cannot be set here: {', '.join(unknown)}.", field=unknown[0])
    clean = {}
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        elif name in BOOLEANS:
            value = bool(value)
        elif name == "budget_cap":
            value = parse_money(value, label="The budget cap", field=name, limit=Decimal("1e10"))
        elif name == "currency":
            value = (value or "").strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", value):
                raise DomainError("Give the currency as a three-letter code, like CAD.", field=name)
        elif name == "codesign_weeks" and value not in (None, ""):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise DomainError("Enter the co-design length as a whole number of weeks.", field=name) from None
            if not 1 <= value <= 520:
                raise DomainError("Enter a co-design length between 1 and 520 weeks.", field=name)
        elif name == "codesign_weeks":
            value = None
        elif name == "tie_break":
            if value not in TIE_BREAKS:
                raise DomainError(f"Choose the tie-break rules: one of {', '.join(TIE_BREAKS)}.", field=name)
        elif name == "contact_email":
            value = (value or "").strip()
            if value:
                try:
                    validate_email(value)
                except ValidationError:
                    raise DomainError("Enter a contact e-mail address like name@example.org.", field=name) from None
        elif name in DATES:
            if value in ("", None):
                value = None
            elif not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                raise DomainError("Enter a real date.", field=name)
        elif name in INSTANTS:
            if value in ("", None):
                value = None
            elif not isinstance(value, datetime.datetime):
                raise DomainError("Enter a real date and time.", field=name)
            elif timezone.is_naive(value):
                value = timezone.make_aware(value)
        clean[name] = value
    if "title" in clean and not clean["title"]:
        raise DomainError("Give the challenge a title.", field="title")
    if len(clean.get("title", "")) > 200:
        raise DomainError("Keep the title to 200 characters.", field="title")
    if len(clean.get("contact_name", "")) > 200:
        raise DomainError("Keep the contact's name to 200 characters.", field="contact_name")
    return clean


def _check_dates(challenge: Challenge) -> None:
    q, s = challenge.question_deadline, challenge.submission_deadline
    if q and s and q >= s:
        raise DomainError("The question deadline must come before the submission deadline.", field="question_deadline")


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80].strip("-") or "challenge"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Challenge.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _next_reference(now) -> str:
    n = Challenge.objects.filter(reference__startswith=f"ITP-{now.year}-").count() + 1
    while Challenge.objects.filter(reference=f"ITP-{now.year}-{n:03d}").exists():
        n += 1
    return f"ITP-{now.year}-{n:03d}"


# The challenge ---------------------------------------------------------------------------


def _check_owners(viewer, owners, lead) -> tuple[list[Organisation], Organisation]:
    owners = list(dict.fromkeys(owners))
    if not owners:
        raise DomainError("Choose at least one owning organisation.", field="owners")
    refused = [o for o in owners if not may_create_for(viewer, o)]
    if refused:
        raise Forbidden(
            f"You may not open a challenge for {', '.join(str(o) for o in refused)}: editors open challenges for "
            "their own organisation, network coordinators for their network's organisations."
        )
    lead = lead or owners[0]
    if lead not in owners:
        raise DomainError("The lead organisation must be one of the owners.", field="lead")
    return owners, lead


# What a new challenge takes from an earlier one used as its template: how it is run, not
# the problem, its dates or its people.
TEMPLATE_FIELDS = (
    "how_to_apply", "tie_break", "terms_text", "contact_name", "contact_email", "budget_cap", "currency",
    "codesign_weeks", "blind_scoring", "terms_non_binding", "terms_vendor_owns_prototype", "terms_separate_purchase",
)


def template_fields(template: Challenge) -> dict:
    return {name: getattr(template, name) for name in TEMPLATE_FIELDS}


def templates_for(viewer, limit: int = 10) -> list[Challenge]:
    """Earlier challenges this person runs, to start a new one from: closed-out ones first
    (their surveys are in), then the newest."""
    mine = [c for c in visible_challenges(viewer).prefetch_related("owners", "evaluators") if roles_for(viewer, c).manages]
    mine.sort(key=lambda c: (c.state != State.CLOSED_OUT, -(c.created_at.timestamp())))
    return mine[:limit]


def create_challenge(
    *, actor, viewer, owners, lead=None, slug=None, reference=None, now=None, template=None, **fields
) -> Challenge:
    """Open a draft challenge owned by `owners` (several make a joint ITP; `lead` first by
    default), under the publication rules of the lead organisation's jurisdiction. With
    `template`, an earlier challenge the person may read, the draft starts with its criteria
    and eligibility criteria (what was learnt from running it carries over)."""
    now = now or timezone.now()
    owners, lead = _check_owners(viewer, owners, lead)
    if template is not None:
        visible_roles(template, viewer)  # NotFound for a challenge the person may not read
    clean = _clean_fields(fields)
    if not clean.get("title"):
        raise DomainError("Give the challenge a title.", field="title")
    with transaction.atomic():
        if slug:
            slug = slugify(slug)[:100]
            if not slug or slug in RESERVED_SLUGS or Challenge.objects.filter(slug=slug).exists():
                raise DomainError("That address is taken; choose another.", field="slug")
        if reference and Challenge.objects.filter(reference=reference).exists():
            raise DomainError("That reference is taken; choose another.", field="reference")
        rules_ = rules_for(lead)
        # The budget is in the jurisdiction's currency unless the owners say otherwise.
        clean.setdefault("currency", rules_.currency)
        challenge = Challenge(
            slug=slug or _unique_slug(clean["title"]),
            reference=(reference or _next_reference(now))[:40],
            rules=rules_,
            created_by=actor,
            state=State.DRAFT,
            state_changed_at=now,
            **clean,
        )
        _check_dates(challenge)
        challenge._history_user = actor
        challenge.save()
        for organisation in owners:
            ChallengeOwner.objects.create(challenge=challenge, organisation=organisation, lead=organisation == lead)
        if template is not None:
            Criterion.objects.bulk_create(
                [
                    Criterion(challenge=challenge, position=c.position, name=c.name, description=c.description,
                              weight=c.weight, scale_max=c.scale_max, level_texts=list(c.level_texts or []))
                    for c in template.criteria.all()
                ]
            )
            EligibilityCriterion.objects.bulk_create(
                [EligibilityCriterion(challenge=challenge, position=e.position, text=e.text) for e in template.eligibility_criteria.all()]
            )
    return challenge


def update_challenge(challenge: Challenge, *, actor, viewer, version: int, changes: dict) -> Challenge:
    """Change the document of a draft; `version` is the one the change was based on."""
    roles = visible_roles(challenge, viewer)
    require_editable(roles, challenge)
    clean = _clean_fields(changes)
    with transaction.atomic():
        fresh = _locked(challenge, version)
        require_editable(roles, fresh)
        if history.unchanged(fresh, clean):
            return fresh  # Saved unchanged: no new version, nothing in the log.
        for name, value in clean.items():
            setattr(fresh, name, value)
        _check_dates(fresh)
        return _save(fresh, actor)


def set_owners(challenge: Challenge, *, actor, viewer, version: int, owners, lead=None) -> Challenge:
    """Replace the owning organisations of a draft. Owners added must be ones the person may
    open a challenge for; they must keep at least one owner they run themselves."""
    roles = visible_roles(challenge, viewer)
    require_editable(roles, challenge)
    current = set(challenge.owners.all())
    added = [o for o in owners if o not in current]
    owners = list(dict.fromkeys(owners))
    if not owners:
        raise DomainError("Choose at least one owning organisation.", field="owners")
    refused = [o for o in added if not may_create_for(viewer, o)]
    if refused:
        raise Forbidden(f"You may not add {', '.join(str(o) for o in refused)} as an owner.")
    if not any(may_create_for(viewer, o) for o in owners):
        raise DomainError("Keep at least one owner you run yourself.", field="owners")
    lead = lead or owners[0]
    if lead not in owners:
        raise DomainError("The lead organisation must be one of the owners.", field="lead")
    with transaction.atomic():
        fresh = _locked(challenge, version)
        ChallengeOwner.objects.filter(challenge=fresh).delete()
        for organisation in owners:
            ChallengeOwner.objects.create(challenge=fresh, organisation=organisation, lead=organisation == lead)
        # A new lead may be under another jurisdiction's rules: the draft takes them.
        fresh.rules = rules_for(lead)
        return _save(fresh, actor, "Owners changed")


def _clean_criteria(criteria) -> list[dict]:
    rows = []
    for index, row in enumerate(criteria, start=1):
        name = str(row.get("name") or "").strip()
        label = f"Criterion {index}" + (f" ('{name}')" if name else "")
        if not name:
            raise DomainError(f"{label} needs a name.", field="criteria")
        if len(name) > 200:
            raise DomainError(f"{label}: keep the name to 200 characters.", field="criteria")
        weight, scale_max = row.get("weight"), row.get("scale_max", rules.DEFAULT_SCALE_MAX)
        problem = rules.weight_problem(weight) or rules.scale_problem(scale_max)
        if problem:
            raise DomainError(f"{label} {problem}.", field="criteria")
        texts = [str(t).strip() for t in (row.get("level_texts") or [])]
        if len(texts) != scale_max + 1:
            raise DomainError(
                f"{label} has a 0–{scale_max} scale, so it needs {scale_max + 1} level texts, one for each score; "
                f"it has {len(texts)}.",
                field="criteria",
            )
        rows.append(
            {"name": name, "description": str(row.get("description") or "").strip(), "weight": weight,
             "scale_max": scale_max, "level_texts": texts}
        )
    names = [r["name"].casefold() for r in rows]
    if len(set(names)) != len(names):
        raise DomainError("Give each criterion a different name.", field="criteria")
    return rows


def set_criteria(challenge: Challenge, *, actor, viewer, version: int, criteria, eligibility=()) -> Challenge:
    """Replace the evaluation criteria and the pass/fail eligibility criteria together.

    Frozen once published: applicants answered the criteria as they stood (Toronto ITP: the
    evaluation is done as published), so later changes would be unfair."""
    roles = visible_roles(challenge, viewer)
    if challenge.criteria_frozen_at is not None or challenge.is_published:
        raise Forbidden(
            "The criteria were frozen when the challenge was published; they can no longer change.",
            code="criteria_frozen",
        )
    require_editable(roles, challenge)
    rows = _clean_criteria(criteria)
    texts = [str(t).strip() for t in eligibility if str(t).strip()]
    for text in texts:
        if len(text) > 500:
            raise DomainError("Keep each eligibility criterion to 500 characters.", field="eligibility")
    with transaction.atomic():
        fresh = _locked(challenge, version)
        if fresh.criteria_frozen_at is not None:
            raise Forbidden("The criteria were frozen when the challenge was published.", code="criteria_frozen")
        require_editable(roles, fresh)
        Criterion.objects.filter(challenge=fresh).delete()
        Criterion.objects.bulk_create(
            [Criterion(challenge=fresh, position=position, **row) for position, row in enumerate(rows)]
        )
        EligibilityCriterion.objects.filter(challenge=fresh).delete()
        EligibilityCriterion.objects.bulk_create(
            [EligibilityCriterion(challenge=fresh, position=position, text=text) for position, text in enumerate(texts)]
        )
        return _save(fresh, actor, "Criteria changed")


# The panel -------------------------------------------------------------------------------


def panel_candidates(challenge: Challenge):
    """Who may be the steward or an evaluator: staff of an owning organisation, coordinators
    of the owners' networks, and platform admins."""
    owners = list(challenge.owner_ids)
    networks = NetworkMembership.objects.filter(organisation__in=owners).values("network")
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(roles__kind__in=[Role.Kind.MEMBER, Role.Kind.EDITOR], roles__organisation__in=owners)
            | Q(roles__kind=Role.Kind.COORDINATOR, roles__network__in=networks)
            | Q(roles__kind=Role.Kind.ADMIN)
        )
        .distinct()
        .order_by("full_name", "email")
    )


def _require_candidate(challenge: Challenge, user, what: str) -> None:
    if user is None or not panel_candidates(challenge).filter(pk=user.pk).exists():
        raise DomainError(
            f"{user} cannot be {what}: choose someone on the staff of an owning organisation, a coordinator "
            "of its network, or an admin.",
            field="steward" if what == "the steward" else "evaluators",
        )


def require_panel_manager(challenge: Challenge, viewer) -> rules.ChallengeRoles:
    roles = visible_roles(challenge, viewer)
    if not rules.can_manage_panel(roles, state=challenge.state):
        if not roles.manages:
            raise Forbidden("Only the challenge's owners choose its steward and evaluators.")
        raise Forbidden("The panel can no longer change: the scores are locked.", code="panel_locked")
    return roles


def assign_steward(challenge: Challenge, *, actor, viewer, user, version: int | None = None) -> Challenge:
    """Name the procurement steward, who approves publication and signs off the selection.
    The steward never scores, so an evaluator cannot be the steward; and the steward checks
    the owners' work, so nobody who runs the challenge (an owner, an admin, a coordinator of a
    joint challenge's network) or wrote it can be the steward."""
    require_panel_manager(challenge, viewer)
    with transaction.atomic():
        fresh = _locked(challenge, version)
        if user is None:
            if fresh.state != State.DRAFT:
                raise DomainError("A challenge past draft needs its steward; choose another instead.", field="steward")
        else:
            _require_candidate(fresh, user, "the steward")
            if roles_for(Viewer.for_user(user), fresh).manages or fresh.created_by_id == user.pk:
                raise DomainError(
                    f"{user} runs or wrote this challenge; the steward checks the owners' work, so choose someone "
                    "who does not run it.",
                    field="steward",
                )
            if Evaluator.objects.filter(challenge=fresh, user=user).exists():
                raise DomainError(
                    f"{user} is an evaluator of this challenge; the steward never scores. Remove them from the panel first.",
                    field="steward",
                )
        if fresh.steward_id == (user.pk if user else None):
            return fresh
        fresh.steward = user
        return _save(fresh, actor, "Steward changed")


def assign_evaluator(challenge: Challenge, *, actor, viewer, user, now=None) -> Evaluator:
    require_panel_manager(challenge, viewer)
    now = now or timezone.now()
    with transaction.atomic():
        fresh = _locked(challenge, None)
        if fresh.steward_id is not None and fresh.steward_id == user.pk:
            raise DomainError(f"{user} is the procurement steward, who never scores.", field="evaluators")
        _require_candidate(fresh, user, "an evaluator")
        existing = Evaluator.objects.filter(challenge=fresh, user=user).first()
        if existing is not None:
            return existing
        return Evaluator.objects.create(challenge=fresh, user=user, assigned_at=now)


def remove_evaluator(challenge: Challenge, *, actor, viewer, user) -> None:
    require_panel_manager(challenge, viewer)
    with transaction.atomic():
        fresh = _locked(challenge, None)
        evaluator = Evaluator.objects.filter(challenge=fresh, user=user).first()
        if evaluator is None:
            raise DomainError(f"{user} is not an evaluator of this challenge.", field="evaluators")
        if Score.objects.filter(evaluator=evaluator).exists():
            raise DomainError(
                f"{user} has already scored proposals; their scores are part of the record, so they stay on the panel. "
                "If they have a conflict, they declare it and are recused.",
                field="evaluators",
            )
        evaluator.delete()


def set_panel(challenge: Challenge, *, actor, viewer, steward, evaluators, now=None) -> Challenge:
    """Set the steward and the evaluators at once (the panel form and PUT /panel)."""
    require_panel_manager(challenge, viewer)
    wanted = list(dict.fromkeys(evaluators))
    if steward is not None and steward in wanted:
        raise DomainError(f"{steward} cannot be both the steward and an evaluator: the steward never scores.", field="evaluators")
    with transaction.atomic():
        current = {e.user for e in Evaluator.objects.filter(challenge=challenge).select_related("user")}
        for user in current - set(wanted):
            remove_evaluator(challenge, actor=actor, viewer=viewer, user=user)
        challenge = assign_steward(challenge, actor=actor, viewer=viewer, user=steward)
        for user in wanted:
            if user not in current:
                assign_evaluator(challenge, actor=actor, viewer=viewer, user=user, now=now)
    challenge.refresh_from_db()
    return challenge


# Moves -----------------------------------------------------------------------------------


def available_moves(challenge: Challenge, roles) -> list[rules.Move]:
    """The moves this person may make now, in the table's order (the clock's are not theirs)."""
    return [m for m in rules.MOVES.get(State(challenge.state), ()) if roles.may_move(m)]


def move_challenge(challenge: Challenge, to, *, actor, viewer, reason: str = "", version: int | None = None, now=None) -> Challenge:
    roles = visible_roles(challenge, viewer)
    try:
        State(to)
    except ValueError:
        raise DomainError(f"There is no state called {to!r}.", field="to") from None
    return lifecycle.transition(challenge, to, actor=actor, roles=roles, reason=reason, version=version, now=now)


def publication_report(challenge: Challenge, *, now=None):
    """What still stops publication, each naming its field (empty when ready)."""
    return lifecycle.publication_problems(challenge, now=now)


# Applicants: interest and questions ------------------------------------------------------


def _supplier_for(roles, supplier) -> Supplier:
    if supplier is not None:
        if supplier.pk not in roles.suppliers:
            raise Forbidden("You may act only for your own supplier.")
        return supplier
    if len(roles.suppliers) != 1:
        raise DomainError("Choose which of your suppliers this is for.", field="supplier")
    return Supplier.objects.get(pk=next(iter(roles.suppliers)))


def _require_applicant(roles) -> None:
    if not rules.can_apply(roles):
        raise Forbidden("Only vendor users of a supplier may do this, and never for their own organisation's challenge.")


def register_interest(challenge: Challenge, *, actor, viewer, supplier=None, now=None) -> Interest:
    """A supplier's user says they are interested, so that they hear of every addendum."""
    now = now or timezone.now()
    roles = visible_roles(challenge, viewer)
    _require_applicant(roles)
    if challenge.state not in rules.OPEN_FOR_SUBMISSIONS:
        raise Forbidden("Interest can be registered only while the challenge is open.", code="not_open")
    supplier = _supplier_for(roles, supplier)
    interest, _ = Interest.objects.get_or_create(
        challenge=challenge, user=actor, defaults={"supplier": supplier, "registered_at": now}
    )
    return interest


def questions_open(challenge: Challenge, now=None) -> bool:
    """Questions are open while published and before the question deadline (closed at its instant)."""
    now = now or timezone.now()
    return (
        challenge.state in rules.OPEN_FOR_QUESTIONS
        and challenge.question_deadline is not None
        and now < challenge.question_deadline
    )


def ask_question(challenge: Challenge, *, actor, viewer, text: str, supplier=None, now=None) -> Question:
    now = now or timezone.now()
    roles = visible_roles(challenge, viewer)
    _require_applicant(roles)
    if not questions_open(challenge, now):
        when = f" at {_fmt(challenge.question_deadline)}" if challenge.question_deadline else ""
        raise Forbidden(f"Questions closed{when}.", code="questions_closed")
    text = (text or "").strip()
    if not text:
        raise DomainError("Write your question.", field="text")
    if len(text) > 4000:
        raise DomainError("Keep your question to 4,000 characters.", field="text")
    supplier = _supplier_for(roles, supplier)
    with transaction.atomic():
        question = Question.objects.create(challenge=challenge, asked_by=actor, supplier=supplier, text=text, asked_at=now)
        notices.question_asked(question)
    return question


def answer_question(challenge: Challenge, question: Question, *, actor, viewer, answer: str, now=None) -> Question:
    """Publish the answer to everyone. The asker is never named."""
    now = now or timezone.now()
    roles = visible_roles(challenge, viewer)
    if question.challenge_id != challenge.pk:
        raise NotFound("No such question.")
    if not rules.can_answer_questions(roles):
        raise Forbidden("Only the challenge's owners answer questions.")
    if challenge.state not in rules.OPEN_FOR_SUBMISSIONS:
        raise Forbidden("Questions can be answered only while the challenge is open.", code="not_open")
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("Write the answer.", field="answer")
    question.answer = answer
    question.answered_by = actor
    question.answered_at = now
    with transaction.atomic():
        question.save()
        notices.question_answered(question)
    return question


def public_questions(challenge: Challenge, viewer, roles):
    """Answered questions for everyone; the owners also see the unanswered ones, and an
    applicant their own."""
    questions = Question.objects.filter(challenge=challenge)
    if roles.manages or roles.is_panel:
        return questions
    if viewer.user is not None:
        return questions.filter(Q(answered_at__isnull=False) | Q(asked_by=viewer.user))
    return questions.filter(answered_at__isnull=False)


# Addenda ---------------------------------------------------------------------------------


def engaged_users(challenge: Challenge) -> list:
    """Everyone who showed interest, asked a question or started a proposal."""
    ids = set(Interest.objects.filter(challenge=challenge).values_list("user", flat=True))
    ids |= set(Question.objects.filter(challenge=challenge, asked_by__isnull=False).values_list("asked_by", flat=True))
    ids |= set(Proposal.objects.filter(challenge=challenge, created_by__isnull=False).values_list("created_by", flat=True))
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def issue_addendum(
    challenge: Challenge, *, actor, viewer, title: str, body: str, material: bool = False,
    new_submission_deadline=None, now=None,
) -> Addendum:
    """Publish a numbered change. A material one, once any proposal was submitted, asks those
    applicants to re-confirm and needs the submission deadline at least the jurisdiction's
    notice period away (default 7 days), moving it later if needed — never earlier."""
    now = now or timezone.now()
    roles = visible_roles(challenge, viewer)
    if not rules.can_issue_addendum(roles, state=challenge.state):
        if not roles.manages:
            raise Forbidden("Only the challenge's owners issue addenda.")
        raise Forbidden("Addenda are issued only while the challenge is open.", code="not_open")
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError("Give the addendum a title.", field="title")
    if len(title) > 200:
        raise DomainError("Keep the title to 200 characters.", field="title")
    if not body:
        raise DomainError("Say what changes.", field="body")
    if new_submission_deadline is not None and timezone.is_naive(new_submission_deadline):
        new_submission_deadline = timezone.make_aware(new_submission_deadline)
    with transaction.atomic():
        fresh = _locked(challenge, None)
        if not rules.can_issue_addendum(roles, state=fresh.state):
            raise Forbidden("Addenda are issued only while the challenge is open.", code="not_open")
        current = fresh.submission_deadline
        if new_submission_deadline is not None:
            if current is not None and new_submission_deadline < current:
                raise DomainError(
                    f"An addendum may move the submission deadline later, never earlier than {_fmt(current)}.",
                    field="new_submission_deadline",
                )
            if new_submission_deadline <= now:
                raise DomainError("The new submission deadline must be in the future.", field="new_submission_deadline")
        submitted = Proposal.objects.filter(challenge=fresh, status=Proposal.Status.SUBMITTED)
        reconfirm = bool(material) and submitted.exists()
        if reconfirm:
            days = fresh.rules.addendum_notice_days
            deadline = new_submission_deadline or current
            earliest = now + datetime.timedelta(days=days)
            if deadline is None or deadline < earliest:
                raise DomainError(
                    f"Proposals have already been submitted, so a material addendum needs the submission deadline at "
                    f"least {days} days away, on or after {_fmt(earliest)}"
                    + (f"; it is {_fmt(deadline)}" if deadline else "")
                    + ". Set a new submission deadline.",
                    field="new_submission_deadline",
                    code="notice_too_short",
                )
        number = (Addendum.objects.filter(challenge=fresh).aggregate(n=Max("number"))["n"] or 0) + 1
        addendum = Addendum.objects.create(
            challenge=fresh, number=number, title=title, body=body, material=bool(material),
            new_submission_deadline=new_submission_deadline, issued_at=now, issued_by=actor,
        )
        if new_submission_deadline is not None and new_submission_deadline != current:
            fresh.submission_deadline = new_submission_deadline
            _save(fresh, actor, f"Addendum {number}")
        reconfirming = []
        if reconfirm:
            reconfirming = list(submitted.values_list("created_by", flat=True))
            submitted.update(needs_reconfirmation=True)
        lines = [f"Addendum {number} to “{fresh.title}” ({fresh.reference}): {title}", "", body]
        if new_submission_deadline is not None and new_submission_deadline != current:
            lines += ["", f"The submission deadline is now {_fmt(new_submission_deadline)}."]
        if reconfirm:
            lines += ["", "This is a material change: if you submitted a proposal, re-confirm or resubmit it before the deadline."]
        notify(
            fresh, engaged_users(fresh), kind="addendum", subject=f"Addendum {number}: {title}",
            body="\n".join(lines), now=now,
        )
        addendum.reconfirming = reconfirming
    return addendum


# Reading the record ----------------------------------------------------------------------

# Bookkeeping the log does not list as changes (moves are listed as moves).
NOT_LOGGED = {"id", "created_at", "updated_at", "version", "state_changed_at"}


def _shown(field, value) -> str:
    if value is None or value == "":
        return "Not recorded"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return _fmt(value)
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    return str(value)


def challenge_moves(challenge: Challenge, roles: rules.ChallengeRoles) -> list[dict]:
    """Every move of the challenge, oldest first, as its log shows them to a reader with
    `roles`, on the page and in the API: who made each is decided by rules.made_by."""
    return [
        {
            "from_state": t.from_state,
            "from_label": t.get_from_state_display(),
            "to_state": t.to_state,
            "to_label": t.get_to_state_display(),
            "at": t.at,
            "by": rules.made_by(roles, from_state=t.from_state, to_state=t.to_state, actor=t.actor),
            "reason": t.reason,
        }
        for t in Transition.objects.filter(challenge=challenge).select_related("actor")
    ]


def challenge_history(challenge: Challenge) -> list[dict]:
    """The challenge's saved versions, newest first, each with who saved it and what changed
    (from simple-history, as citytools.core.history does for systems)."""
    history_model = Challenge.history.model
    fields = [f for f in history_model.tracked_fields if f.name not in NOT_LOGGED]
    rows = list(challenge.history.select_related("history_user").order_by("history_date", "history_id"))
    people = {getattr(r, f"{name}_id", None) for r in rows for name in ("steward", "created_by", "signed_off_by")} - {None}
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=people)}
    names = {
        "steward": users, "created_by": users, "signed_off_by": users,
        "rules": {r.pk: r.name for r in PublicationRules.objects.all()},
    }
    entries, previous = [], None
    for row in rows:
        changes = []
        for f in fields:
            new = getattr(row, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and new in (None, "", False, [], {}):
                continue
            if f.is_relation:
                label = names.get(f.name, {})
                old_text = label.get(old, "Not recorded" if old is None else f"#{old}")
                new_text = label.get(new, "Not recorded" if new is None else f"#{new}")
            else:
                old_text, new_text = _shown(f, old), _shown(f, new)
            changes.append({"label": str(f.verbose_name).capitalize(), "old": old_text if previous else "", "new": new_text})
        entries.append(
            {
                "when": row.history_date,
                "who": str(row.history_user) if row.history_user else "The system",
                "action": "Created" if row.history_type == "+" else (row.history_change_reason or "Changed"),
                "changes": changes,
            }
        )
        previous = row
    return list(reversed(entries))


# Publication rules (per jurisdiction) ----------------------------------------------------------

RULE_FIELDS = (
    "name", "currency", "max_budget", "min_weeks", "max_weeks", "weights_total", "require_scale_texts",
    "require_terms", "min_eligibility_criteria", "addendum_notice_days", "min_submission_days", "min_question_days",
)


def may_set_publication_rules(viewer) -> bool:
    return viewer.grants.is_admin


def save_publication_rules(
    *, actor, viewer, slug: str, organisations=None, version: int | None = None, create: bool | None = None, **values
) -> tuple[PublicationRules, bool]:
    """Create or change one jurisdiction's publication checks, and, when `organisations` is
    given, which organisations they govern (each is moved here from any other set). Returns
    the rules and whether they were created. `version` is the one a change was based on (a
    stale one is a Conflict); `create` True refuses an existing slug, False a missing one.
    Challenges already published keep the checks they passed; drafts meet the new values at
    their next move."""
    if not may_set_publication_rules(viewer):
        raise Forbidden("Only platform admins set the publication rules.")
    unknown = sorted(set(values) - set(RULE_FIELDS))
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(unknown)}.")
    slug = slugify(slug)
    if not slug:
        raise DomainError("Give the rules a slug, like city-of-toronto.", field="slug")
    values = {k: v for k, v in values.items() if v is not None}
    if "max_budget" in values:
        values["max_budget"] = parse_money(values["max_budget"], label="The highest budget cap", field="max_budget", limit=Decimal("1e10"))
        if values["max_budget"] is None:
            raise DomainError("Give the highest budget cap, like 50,000.", field="max_budget")
    if "currency" in values:
        values["currency"] = str(values["currency"]).upper()
        if not re.fullmatch(r"[A-Z]{3}", values["currency"]):
            raise DomainError("Give the currency as a three-letter code, like CAD.", field="currency")
    with transaction.atomic():
        rules_ = PublicationRules.objects.select_for_update().filter(slug=slug).first()
        created = rules_ is None
        if create is True and not created:
            raise DomainError("Rules with that short name exist already; choose another.", field="slug")
        if create is False and created:
            raise NotFound("There are no publication rules with that short name.")
        if not created and version is not None and rules_.version != version:
            raise Conflict("These rules changed since you opened them. Nothing was saved. Reload them, then make your change again.")
        if not created and history.unchanged(rules_, values) and (
            organisations is None
            or {o.pk for o in organisations} == set(Jurisdiction.objects.filter(rules=rules_).values_list("organisation_id", flat=True))
        ):
            return rules_, created  # Saved unchanged: no new version.
        if created:
            if not values.get("name"):
                raise DomainError("New rules need a name, like 'City of Toronto'.", field="name")
            rules_ = PublicationRules(slug=slug)
        for name, value in values.items():
            setattr(rules_, name, value)
        if rules_.min_weeks > rules_.max_weeks:
            raise DomainError("The shortest co-design cannot be longer than the longest.", field="min_weeks")
        if not created:
            rules_.version += 1
        rules_._history_user = actor
        rules_.save()
        if organisations is not None:
            _set_jurisdictions(rules_, list(dict.fromkeys(organisations)), actor)
    return rules_, created


def _set_jurisdictions(rules_: PublicationRules, organisations, actor) -> None:
    wanted = {o.pk for o in organisations}
    for jurisdiction in Jurisdiction.objects.filter(rules=rules_).exclude(organisation_id__in=wanted):
        jurisdiction._history_user = actor
        jurisdiction.delete()
    for organisation in organisations:
        jurisdiction = Jurisdiction.objects.filter(organisation=organisation).first() or Jurisdiction(organisation=organisation)
        if jurisdiction.pk and jurisdiction.rules_id == rules_.pk:
            continue
        jurisdiction.rules = rules_
        jurisdiction._history_user = actor
        jurisdiction.save()
    # Drafts led by these organisations now answer to these rules.
    drafts = Challenge.objects.filter(
        state=State.DRAFT, ownerships__lead=True, ownerships__organisation_id__in=wanted
    ).exclude(rules=rules_)
    for challenge in drafts:
        challenge.rules = rules_
        challenge.version += 1
        challenge._history_user = actor
        challenge._change_reason = "Publication rules of the lead organisation's jurisdiction"
        challenge.save(update_fields=["rules", "version", "updated_at"])
