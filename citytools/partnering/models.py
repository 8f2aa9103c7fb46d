"""Partnering owns Invitations to Partner: lean, challenge-based procurement.

A **challenge** here is the problem statement a public body publishes to find a partner (the
Invitation to Partner, after the City of Toronto's model). It is not a difficulty a borough
has with a supplier: that is a pain point, which another app owns. The app owns the
challenge and its criteria, every move of its lifecycle, questions and addenda, sealed
proposals, the evaluation panel and its scores, the outcome (award, debriefs, co-design
milestones, surveys) and the link to any later purchase. It may import from core, directory,
accounts, inventory, contracts, freshness and market only.

Writes go through citytools.partnering.services; every change of state goes through
citytools.partnering.lifecycle.transition, which records who moved it, when and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from citytools.core import prose
from citytools.core.models import TimeStampedModel
from citytools.partnering.scoring import DEFAULT_TIE_BREAK, TIE_BREAKS, tie_break_text


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Open for questions"
    QUESTIONS_CLOSED = "questions_closed", "Questions closed"
    SUBMISSIONS_CLOSED = "submissions_closed", "Submissions closed"
    EVALUATION = "evaluation", "Evaluation"
    SELECTION = "selection", "Selection"
    PARTNERED = "partnered", "Partnered"
    CO_DESIGN = "co_design", "Co-design"
    DEMO = "demo", "Demo"
    CLOSED_OUT = "closed_out", "Closed out"
    CANCELLED = "cancelled", "Cancelled"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


# Each state as it reads in a sentence ("The challenge is now in evaluation."): the labels
# above are names for tags and tables, not phrases.
STATE_PHRASES = {
    State.DRAFT: "a draft",
    State.IN_REVIEW: "in review",
    State.PUBLISHED: "open for questions",
    State.QUESTIONS_CLOSED: "closed to questions",
    State.SUBMISSIONS_CLOSED: "closed to submissions",
    State.EVALUATION: "in evaluation",
    State.SELECTION: "in selection",
    State.PARTNERED: "partnered",
    State.CO_DESIGN: "in co-design",
    State.DEMO: "at the demo",
    State.CLOSED_OUT: "closed out",
    State.CANCELLED: "cancelled",
    State.UNSUCCESSFUL: "closed without a partner",
}


def state_phrase(state) -> str:
    """The state as it reads after "is": "in evaluation", "a draft", "closed to questions"."""
    return STATE_PHRASES[State(state)]


class Scale(models.TextChoices):
    """The applicant's size, as the OCDS partyScale codelist names it."""

    MICRO = "micro", "Micro (fewer than 10 staff)"
    SMALL = "small", "Small (fewer than 50 staff)"
    MEDIUM = "medium", "Medium (fewer than 250 staff)"
    LARGE = "large", "Large (250 staff or more)"


SME_SCALES = (Scale.MICRO, Scale.SMALL, Scale.MEDIUM)


class PublicationRules(TimeStampedModel):
    """The checks a challenge must pass before it is published, set per jurisdiction.

    The defaults follow the City of Toronto's Invitation to Partner: a budget of at most
    CAD 50,000, a co-design of 12 to 16 weeks, weights summing to 100, a text for every score
    level and the non-binding terms stated.
    """

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, help_text="e.g. 'City of Toronto' or 'London boroughs'.")
    currency = models.CharField(max_length=3, default="CAD", help_text="ISO 4217 code of the budget cap.")
    max_budget = models.DecimalField(max_digits=12, decimal_places=2, default=50000)
    min_weeks = models.PositiveSmallIntegerField(default=12)
    max_weeks = models.PositiveSmallIntegerField(default=16)
    weights_total = models.PositiveSmallIntegerField(default=100)
    require_scale_texts = models.BooleanField(default=True)
    require_terms = models.BooleanField(default=True)
    min_eligibility_criteria = models.PositiveSmallIntegerField(default=0)
    addendum_notice_days = models.PositiveSmallIntegerField(
        default=7, help_text="A material addendum needs the submission deadline at least this many days away."
    )
    min_submission_days = models.PositiveSmallIntegerField(
        default=14, help_text="Applicants have at least this many days from publication to the submission deadline."
    )
    min_question_days = models.PositiveSmallIntegerField(
        default=5, help_text="Questions close at least this many days before the submission deadline."
    )
    version = models.PositiveIntegerField(default=1, help_text="Grows by one with every saved change.")
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "publication rules"

    def __str__(self):
        return self.name


class Jurisdiction(models.Model):
    """An organisation whose challenges a set of publication rules governs. Each organisation
    is under at most one set; one with none is under the default set. A challenge takes the
    rules of its lead organisation: owners cannot choose looser ones."""

    organisation = models.OneToOneField(
        "directory.Organisation", on_delete=models.CASCADE, related_name="publication_jurisdiction"
    )
    rules = models.ForeignKey(PublicationRules, on_delete=models.CASCADE, related_name="jurisdictions")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self):
        return f"{self.organisation} under {self.rules}"


class ChallengeQuerySet(models.QuerySet):
    def public(self):
        """Challenges anyone may read: everything that has been published, including those
        cancelled or unsuccessful after publication."""
        return self.filter(published_at__isnull=False)

    def with_deadline_due(self, now):
        return self.filter(
            Q(state=State.PUBLISHED, question_deadline__lte=now)
            | Q(state__in=[State.PUBLISHED, State.QUESTIONS_CLOSED], submission_deadline__lte=now)
        )


class Challenge(TimeStampedModel):
    """An Invitation to Partner: a problem, a small budget and a short co-design."""

    slug = models.SlugField(unique=True, max_length=100)
    reference = models.CharField(max_length=40, unique=True, help_text="e.g. ITP-2026-001; also the OCDS ocid suffix.")
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Grows by one with every saved change.")

    owners = models.ManyToManyField(
        "directory.Organisation", through="ChallengeOwner", related_name="challenges"
    )
    rules = models.ForeignKey(PublicationRules, on_delete=models.PROTECT, related_name="challenges")
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="stewarded_challenges",
        help_text="The procurement steward: approves publication and signs off the selection; never scores.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The challenge document.
    problem_statement = models.TextField(help_text="The Challenge: the problem, not a solution.")
    background = models.TextField(blank=True)
    affected = models.TextField(blank=True, help_text="Who is affected, and how many.")
    outcomes = models.TextField(blank=True, help_text="The outcomes the owners want.")
    out_of_scope = models.TextField(blank=True)
    how_to_apply = models.TextField(blank=True)
    tie_break = models.CharField(
        max_length=30, choices=[(key, text) for key, (_, text) in TIE_BREAKS.items()], default=DEFAULT_TIE_BREAK,
        help_text="How equal totals are separated; published with the challenge and applied by the ranking.",
    )
    budget_cap = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="CAD")
    codesign_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    blind_scoring = models.BooleanField(
        default=False, help_text="Evaluators see no applicant's identity while they score."
    )

    # The terms (the Invitation to Partner's defining promises).
    terms_non_binding = models.BooleanField(default=False)
    terms_vendor_owns_prototype = models.BooleanField(default=False)
    terms_separate_purchase = models.BooleanField(default=False)
    terms_text = models.TextField(blank=True)

    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)

    # Key dates. Deadlines are instants on the server clock; the rest are days.
    publication_date = models.DateField(null=True, blank=True, help_text="Planned publication day.")
    question_deadline = models.DateTimeField(null=True, blank=True)
    submission_deadline = models.DateTimeField(null=True, blank=True)
    evaluation_date = models.DateField(null=True, blank=True)
    expected_start = models.DateField(null=True, blank=True)

    # What happened.
    published_at = models.DateTimeField(null=True, blank=True)
    criteria_frozen_at = models.DateTimeField(null=True, blank=True)
    consensus_locked_at = models.DateTimeField(null=True, blank=True)
    selected_proposal = models.ForeignKey(
        "Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    selection_rationale = models.TextField(blank=True)
    awarded_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="The value of the award, nominated with the partner (by default the partner's price); "
        "public on the award notice and in the OCDS award once the selection is signed off.",
    )
    awarded_currency = models.CharField(max_length=3, blank=True, help_text="The currency of the awarded value.")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    submissions_closed_at = models.DateTimeField(null=True, blank=True)
    partnered_at = models.DateTimeField(null=True, blank=True)
    closing_reason = models.TextField(blank=True, help_text="Published when cancelled or unsuccessful.")

    objects = ChallengeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(name="challenge_budget_not_negative", condition=Q(budget_cap__gte=0)),
            models.CheckConstraint(name="challenge_awarded_value_not_negative", condition=Q(awarded_value__gte=0)),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnering:challenge", kwargs={"slug": self.slug})

    @property
    def tie_break_text(self) -> str:
        return tie_break_text(self.tie_break)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def state_phrase(self) -> str:
        return state_phrase(self.state)

    @property
    def owner_ids(self) -> frozenset[int]:
        """The owning organisations' ids (use prefetch_related('owners') for lists)."""
        return frozenset(o.pk for o in self.owners.all())

    @property
    def is_joint(self) -> bool:
        return len(self.owner_ids) > 1

    def owner_names(self) -> list[str]:
        """The owning organisations' names, the lead first."""
        rows = sorted(self.ownerships.select_related("organisation"), key=lambda o: (not o.lead, o.organisation.name))
        return [o.organisation.name for o in rows]

    @property
    def owners_text(self) -> str:
        """ "Camden", or "Camden, Hackney and Islington" for a joint challenge."""
        return prose.join_names(self.owner_names())

    @property
    def owners_staff(self) -> str:
        """ "Camden’s staff", or "the staff of Camden, Hackney and Islington"."""
        return prose.staff_of(self.owner_names())


class ChallengeOwner(models.Model):
    """An organisation that owns a challenge; several make it a joint Invitation to Partner."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="ownerships")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    lead = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "organisation"], name="unique_challenge_owner")]


class Criterion(models.Model):
    """An evaluation criterion: an integer weight and a 0–N scale with a text for every level."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField()
    scale_max = models.PositiveSmallIntegerField(default=5, help_text="Scores run from 0 to this.")
    level_texts = models.JSONField(
        default=list, blank=True, help_text="What each score from 0 to scale_max means, in order."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(name="criterion_scale_at_least_one", condition=Q(scale_max__gte=1)),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"


class EligibilityCriterion(models.Model):
    """A pass/fail condition checked before scoring (e.g. 'can start within 4 weeks')."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="eligibility_criteria")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "eligibility criteria"

    def __str__(self):
        return self.text


class Transition(models.Model):
    """One move of a challenge's lifecycle: who (None for the clock), when, and why."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class Interest(models.Model):
    """A supplier that registered interest in a challenge, so that it hears of addenda."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="interests")
    supplier = models.ForeignKey("directory.Supplier", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="unique_interest")]


class Question(models.Model):
    """A clarification question. Its answer is published to everyone, without the asker."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    supplier = models.ForeignKey("directory.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]


class Addendum(models.Model):
    """A numbered change to a published challenge. A material one after submissions asks
    every applicant to re-confirm and needs the deadline far enough away."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    material = models.BooleanField(default=False)
    new_submission_deadline = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "addenda"
        constraints = [models.UniqueConstraint(fields=["challenge", "number"], name="unique_addendum_number")]


class Proposal(TimeStampedModel):
    """A supplier's answer to a challenge. Sealed until submissions close: before then only
    its own supplier's users can read it; staff, admins and evaluators see a count."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="proposals")
    supplier = models.ForeignKey("directory.Supplier", on_delete=models.PROTECT, related_name="proposals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    scale = models.CharField(max_length=10, choices=Scale.choices, help_text="The applicant's size.")
    # The short structured form.
    summary = models.TextField(help_text="Your idea in a few sentences.")
    approach = models.TextField(help_text="How you would work with residents and staff.")
    team = models.TextField(help_text="Who would do the work, and what they have done before.")
    plan = models.TextField(blank=True, help_text="What happens in each part of the co-design.")
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    receipt_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of what was submitted.")
    needs_reconfirmation = models.BooleanField(default=False)
    eligible = models.BooleanField(null=True, blank=True, help_text="None until screened.")
    debrief_released_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the owners reviewed the feedback on each criterion and released it to the applicant.",
    )
    debrief_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "supplier"], name="one_proposal_per_supplier"),
            models.CheckConstraint(name="proposal_price_not_negative", condition=Q(price__gte=0)),
        ]

    def __str__(self):
        return f"Proposal from {self.supplier} for {self.challenge}"


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="proposals/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]


class EligibilityDecision(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="eligibility")
    criterion = models.ForeignKey(EligibilityCriterion, on_delete=models.CASCADE, related_name="+")
    passed = models.BooleanField()
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="unique_eligibility_decision")
        ]


class Evaluator(models.Model):
    """A panel member. Reads no proposal before signing the conflict-of-interest declaration;
    a declared conflict recuses them."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluations")
    assigned_at = models.DateTimeField()
    declared_at = models.DateTimeField(null=True, blank=True)
    has_conflict = models.BooleanField(default=False)
    conflict_note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When they submitted all their scores.")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="unique_evaluator")]

    @property
    def recused(self) -> bool:
        return self.has_conflict

    @property
    def may_read_proposals(self) -> bool:
        return self.declared_at is not None and not self.has_conflict


class Score(models.Model):
    """One evaluator's score of one proposal on one criterion, with the reason for it."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="scores")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField()
    updated_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "proposal", "criterion"], name="unique_score"),
        ]


class ConsensusScore(models.Model):
    """The panel's agreed score: the mean of individual scores unless overridden with a reason."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="consensus")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="consensus")
    mean = models.DecimalField(max_digits=6, decimal_places=3)
    score = models.DecimalField(max_digits=6, decimal_places=3)
    overridden = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(blank=True, help_text="Feedback to the applicant on this criterion.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="unique_consensus_score"),
        ]


class Notification(models.Model):
    """A message sent to one person about a challenge (addendum, outcome, debrief …), kept so
    that 'every applicant was notified' can be shown, not just hoped."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_notifications")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Milestone(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    done_at = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "position", "pk"]


class CheckIn(models.Model):
    """A short status note during co-design."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]


class SurveyResponse(models.Model):
    """Feedback on the process at close-out, from an applicant or the partner. Answers feed
    the next challenge's template (see services.outcome.lessons)."""

    class Respondent(models.TextChoices):
        APPLICANT = "applicant", "Applicant"
        PARTNER = "partner", "Partner"
        OWNER = "owner", "Challenge owner"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="survey_responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    supplier = models.ForeignKey("directory.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    satisfaction = models.PositiveSmallIntegerField(help_text="1 (very dissatisfied) to 5 (very satisfied).")
    clarity = models.PositiveSmallIntegerField(help_text="How clear the challenge document was, 1 to 5.")
    effort_hours = models.PositiveIntegerField(null=True, blank=True, help_text="Hours spent applying.")
    would_apply_again = models.BooleanField(null=True, blank=True)
    keep = models.TextField(blank=True, help_text="What worked and should be kept.")
    change = models.TextField(blank=True, help_text="What should change next time.")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="one_survey_response_per_person"),
            models.CheckConstraint(name="survey_satisfaction_1_to_5", condition=Q(satisfaction__gte=1, satisfaction__lte=5)),
            models.CheckConstraint(name="survey_clarity_1_to_5", condition=Q(clarity__gte=1, clarity__lte=5)),
        ]


class FollowOnPurchase(models.Model):
    """A later purchase of the partner's product: a separate contract, linked to the challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="purchases")
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "contract"], name="unique_follow_on_purchase")]
