"""The Invitation to Partner in the demo: Toronto's 311 challenge as one worked example, seen
in every state of its lifecycle, and a joint ITP of four London boroughs.

The City of Toronto (real; see ../shared/seeds on its ITP: 311 answers more than 1.5 million
calls a year, a co-design of 12 to 16 weeks, under CAD 50,000, non-binding, the vendor owns
the prototype) runs the 311 challenge, now closed out, and 311-themed siblings in draft, in
review, open for questions, evaluation, selection, co-design and cancelled. Every company,
proposal and score is invented.

Challenges are written through the services (citytools.partnering.services), as the owner,
steward, evaluators and applicants would through the pages, on a clock set from `as_of`: a
rebuild with the same date changes nothing, and another date rebuilds the demo challenges
(the open ones always have their deadlines ahead of the first day of the month they are
built for). The ORM is used only for what no service writes: the organisation, its network,
the publication rules and the invented suppliers (reference data, as the rest of the demo).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from citytools.accounts.models import Role, User
from citytools.accounts.viewer import Viewer
from citytools.core.prose import mid_sentence
from citytools.demo import catalogue as cat
from citytools.demo.people import DOMAIN, create_demo_people
from citytools.demo.toronto import (
    APPLICANT_SLUGS,
    APPLICANTS,
    TORONTO,
    TORONTO_IDENTIFIER,
    TORONTO_NETWORK,
)
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.directory.services import upsert
from citytools.partnering import lifecycle
from citytools.partnering.models import (
    Attachment,
    Challenge,
    EligibilityCriterion,
    Jurisdiction,
    Proposal,
    PublicationRules,
    State,
)
from citytools.partnering.services import authoring, evaluation, outcome, proposals

REFERENCE_PREFIX = "DEMO-ITP-"

RULES = {
    "toronto-itp": {
        "name": "City of Toronto Invitation to Partner", "currency": "CAD", "max_budget": Decimal("50000.00"),
        "min_weeks": 12, "max_weeks": 16, "weights_total": 100, "require_scale_texts": True, "require_terms": True,
        "min_eligibility_criteria": 1, "addendum_notice_days": 7,
    },
    "london-joint-itp": {
        "name": "London boroughs joint ITP", "currency": "GBP", "max_budget": Decimal("30000.00"),
        "min_weeks": 12, "max_weeks": 16, "weights_total": 100, "require_scale_texts": True, "require_terms": True,
        "min_eligibility_criteria": 1, "addendum_notice_days": 7,
    },
}


# Camden leads the joint ITP; the others co-own it.
LONDON_OWNERS = ("E09000007", "E09000012", "E09000019", "E09000022")  # Camden, Hackney, Islington, Lambeth

LEVELS = ["Not addressed", "Weak", "Adequate", "Strong", "Excellent"]
CRITERIA = [
    {"name": "Understanding of the challenge and the people it affects", "weight": 30,
     "description": "Shows who calls 311, why they call again, and what staff need.", "scale_max": 4, "level_texts": LEVELS},
    {"name": "Co-design approach with residents and City staff", "weight": 30,
     "description": "How residents and staff shape the prototype from the first week.", "scale_max": 4, "level_texts": LEVELS},
    {"name": "Team and relevant experience", "weight": 20,
     "description": "Who does the work and what they have built before.", "scale_max": 4, "level_texts": LEVELS},
    {"name": "Feasibility within the co-design period and budget", "weight": 20,
     "description": "A plan that fits the weeks and the budget cap.", "scale_max": 4, "level_texts": LEVELS},
]
ELIGIBILITY = ["Can start within four weeks of selection.", "Holds commercial general liability insurance."]
TERMS = (
    "This invitation is non-binding: it leads to a partnership for a co-design, not to a purchase. "
    "The partner owns the prototype and what it learns. If the city later wants to buy a product, "
    "that purchase is a separate contract under the usual purchasing rules."
)
HOW_TO_APPLY = (
    "Register your interest, ask any question before the question deadline, and answer the short form: "
    "your idea, how you would work with residents and staff, your team, your plan and your price. "
    "Attach up to five files if they help. Submit before the submission deadline; you can withdraw and "
    "resubmit until then."
)
BACKGROUND_311 = (
    "For many residents, 311 is their first contact with the city: it answers more than 1.5 million calls "
    "a year. Call-takers work from a knowledge base and route requests to the divisions that resolve them."
)


@dataclass(frozen=True)
class Spec:
    slug: str
    number: int
    state: State
    title: str
    problem: str
    affected: str
    outcomes: str
    out_of_scope: str
    publish_day: int  # days from as_of; negative is in the past
    budget: int = 50000
    weeks: int = 14
    applicants: tuple[str, ...] = ()
    blind: bool = False
    london: bool = False
    # Days from publication to the question and submission deadlines. Open challenges keep
    # theirs more than a month after `as_of` (the first of the month by default), so that
    # they are still open whenever in the month the demo is used.
    deadlines: tuple[int, int] = (21, 35)


SPECS = (
    Spec(
        "toronto-311-itp", 1, State.CLOSED_OUT, "A more responsive 311",
        "Residents who contact 311 often cannot tell what happens to their request, so they call again. How might "
        "we work with residents and 311 staff to design, build and prototype a more responsive 311 in 12 to 16 weeks?",
        "Residents who call 311, about 1.5 million calls a year, and the call-takers who answer them.",
        "Residents know where their request stands without calling again; staff learn from the data they see.",
        "Replacing the telephone system or the city's work-order systems.",
        publish_day=-300, budget=48000, weeks=14, applicants=APPLICANT_SLUGS,
    ),
    Spec(
        "toronto-311-request-routing", 2, State.CO_DESIGN, "Routing 311 requests to the right division first time",
        "Some 311 requests are routed to the wrong division and bounce between teams before anyone acts. How might "
        "we help call-takers route a request right the first time?",
        "Call-takers, the divisions that receive requests, and the residents who wait.",
        "Fewer requests re-routed; residents get an answer sooner.", "Reorganising divisions.",
        publish_day=-150, budget=45000, weeks=12, applicants=APPLICANT_SLUGS[:4],
    ),
    Spec(
        "toronto-311-demand-forecast", 3, State.SELECTION, "Seeing seasonal 311 demand coming",
        "Storms, heat and snow bring surges of calls that 311 staffing does not see coming. How might we help 311 "
        "plan for the surges?",
        "311 supervisors and call-takers; residents who wait on hold during surges.",
        "Staffing that follows demand; shorter waits on the worst days.", "Changing collective agreements.",
        publish_day=-80, budget=40000, weeks=12, applicants=APPLICANT_SLUGS[:5],
    ),
    Spec(
        "toronto-311-multilingual-intake", 4, State.EVALUATION, "311 in the languages Toronto speaks",
        "Residents who are not confident in English wait longer and call back more. How might we make 311 intake "
        "work as well in the languages Toronto speaks?",
        "Residents with limited English, and the interpreters and call-takers who serve them.",
        "Equal waits and equal resolution, whatever the caller's language.", "Translating the whole city website.",
        publish_day=-60, budget=50000, weeks=16, applicants=APPLICANT_SLUGS[:5], blind=True,
    ),
    Spec(
        "toronto-311-repeat-requests", 5, State.PUBLISHED, "Finding the root cause of repeat 311 requests",
        "The same potholes, streetlights and missed collections are reported again and again. How might we help "
        "divisions see the repeat requests and fix their cause?",
        "Residents who report the same problem twice; the divisions that fix it.",
        "Fewer repeat requests; divisions see patterns across requests.", "Changing service standards.",
        publish_day=-5, budget=50000, weeks=14, applicants=APPLICANT_SLUGS[:3], deadlines=(45, 60),
    ),
    Spec(
        "toronto-311-knowledge-base", 6, State.IN_REVIEW, "Plain-language answers in the 311 knowledge base",
        "Call-takers search a large knowledge base whose answers are written for staff, not residents. How might "
        "we keep its answers accurate and plain?",
        "Call-takers and the residents they read answers to.", "Answers residents understand the first time.",
        "Replacing the knowledge-base software.", publish_day=20, budget=35000, weeks=12,
    ),
    Spec(
        "toronto-311-status-texts", 7, State.DRAFT, "Status updates on 311 requests by text message",
        "Residents want to know when their request moves on, without calling. How might 311 tell them?",
        "Residents who made a request.", "Fewer follow-up calls.", "Building a new city app.",
        publish_day=40, budget=30000, weeks=12,
    ),
    Spec(
        "toronto-311-chatbot-pilot", 8, State.CANCELLED, "A 311 chatbot pilot",
        "Could residents get simple answers from 311 at any hour?", "Residents who contact 311 out of hours.",
        "Simple answers at any hour.", "Replacing call-takers.", publish_day=-40, budget=25000, weeks=12,
        applicants=APPLICANT_SLUGS[:2],
    ),
    Spec(
        "london-housing-repairs-reporting", 9, State.PUBLISHED, "Reporting housing repairs residents can follow",
        "Council tenants report repairs by phone, e-mail and online forms, and cannot see what happens next. How "
        "might four boroughs share one way for tenants to report a repair and follow it to the end?",
        "Council tenants in Camden, Hackney, Islington and Lambeth, and the repairs teams that serve them.",
        "Tenants follow each repair; boroughs compare and learn from each other's data.",
        "Replacing each borough's housing management system.", publish_day=-3, budget=30000, weeks=14,
        applicants=APPLICANT_SLUGS[1:3], london=True, deadlines=(45, 60),
    ),
)


def demo_email(name: str) -> str:
    return f"{name}@{DOMAIN}"


@dataclass
class PartneringResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    challenges: int = 0
    supplier_ids: set = field(default_factory=set)


def _reference_data(result: PartneringResult):
    """Toronto, its network, the publication rules and the invented applicants (no service writes these)."""
    outcome_, orgs = upsert(
        Organisation, key="identifier", desired={TORONTO_IDENTIFIER: TORONTO},
        existing=Organisation.objects.in_bulk([TORONTO_IDENTIFIER], field_name="identifier"),
    )
    result.created += outcome_.created
    result.updated += outcome_.updated
    toronto = orgs[TORONTO_IDENTIFIER]
    slug, name, description = TORONTO_NETWORK
    outcome_, networks = upsert(
        Network, key="slug", desired={slug: {"name": name, "description": description}},
        existing=Network.objects.in_bulk([slug], field_name="slug"),
    )
    result.created += outcome_.created
    result.updated += outcome_.updated
    _, created = NetworkMembership.objects.get_or_create(network=networks[slug], organisation=toronto)
    result.created += int(created)
    outcome_, rule_sets = upsert(
        PublicationRules, key="slug", desired=RULES, existing=PublicationRules.objects.in_bulk(list(RULES), field_name="slug")
    )
    result.created += outcome_.created
    result.updated += outcome_.updated
    # Toronto is under its own rules; the four London boroughs of the joint ITP under theirs.
    under = {toronto.pk: rule_sets["toronto-itp"]}
    for organisation in Organisation.objects.filter(identifier__in=LONDON_OWNERS):
        under[organisation.pk] = rule_sets["london-joint-itp"]
    for organisation_id, rules in under.items():
        jurisdiction, created = Jurisdiction.objects.get_or_create(organisation_id=organisation_id, defaults={"rules": rules})
        if not created and jurisdiction.rules_id != rules.pk:
            jurisdiction.rules = rules
            jurisdiction.save()
            result.updated += 1
        result.created += int(created)
    outcome_, suppliers = upsert(
        Supplier, key="slug",
        desired={
            a.slug: {"name": a.name, "parent_id": None, "is_sme": a.scale != "large", "company_number": "",
                     "description": f"{a.blurb} {cat.DEMO_MARKER}"}
            for a in APPLICANTS
        },
        existing=Supplier.objects.in_bulk(list(APPLICANT_SLUGS), field_name="slug"),
    )
    result.created += outcome_.created
    result.updated += outcome_.updated
    result.supplier_ids = {s.pk for s in suppliers.values()}
    return toronto, suppliers


def _applicant_users(suppliers) -> dict[str, User]:
    """Each invented applicant's vendor user: a demo account, or a person at the firm who
    cannot sign in (they exist so that their proposals have an author)."""
    users = {}
    for applicant in APPLICANTS:
        if applicant.account:
            user = User.objects.get(email=demo_email(applicant.account))
        else:
            user = User.objects.filter(email=demo_email(applicant.slug)).first()
            if user is None:
                user = User(email=demo_email(applicant.slug), full_name=f"Bids at {applicant.name}")
                user.set_unusable_password()
                user.save()
            Role.objects.get_or_create(user=user, kind=Role.Kind.VENDOR, supplier=suppliers[applicant.slug])
        users[applicant.slug] = user
    return users


class Clock:
    """Instants of one challenge's story, in days (and hours) from its publication."""

    def __init__(self, as_of: datetime.date, publish_day: int):
        self.start = datetime.datetime.combine(as_of, datetime.time(14, 0), tzinfo=datetime.UTC) + datetime.timedelta(days=publish_day)

    def __call__(self, days: float, hours: float = 0) -> datetime.datetime:
        return self.start + datetime.timedelta(days=days, hours=hours)

    def day(self, days: float) -> datetime.date:
        return self(days).date()


class Story:
    """Plays one challenge through the services, as the people in it would."""

    def __init__(self, spec: Spec, *, as_of, people, suppliers, applicant_users):
        self.spec = spec
        self.at = Clock(as_of, spec.publish_day)
        self.people = people
        self.suppliers = suppliers
        self.applicant_users = applicant_users
        self.challenge = None
        self.proposals: list[Proposal] = []

    def as_(self, user) -> dict:
        return {"actor": user, "viewer": Viewer.for_user(user)}

    @property
    def owner(self):
        return self.people["editor" if self.spec.london else "owner"]

    @property
    def steward(self):
        # Nobody who runs a challenge stewards it: the joint ITP's coordinator wrote it, so a
        # member of the lead borough approves it.
        return self.people["member" if self.spec.london else "steward"]

    @property
    def evaluators(self):
        return [] if self.spec.london else [self.people[f"evaluator{i}"] for i in (1, 2, 3)]

    def fresh(self):
        self.challenge = Challenge.objects.get(pk=self.challenge.pk)
        return self.challenge

    def move(self, to, who, when, reason=""):
        self.challenge = authoring.move_challenge(self.fresh(), to, reason=reason, now=when, **self.as_(who))

    def clock_move(self, to, when, reason):
        # The clock's own move, as lifecycle.advance_due makes it, for this challenge only.
        self.challenge = lifecycle.transition(self.fresh(), to, actor=None, roles=None, now=when, reason=reason)

    # The story, part by part ------------------------------------------------------------------

    def write(self, toronto):
        spec, at = self.spec, self.at
        if spec.london:
            owners = list(Organisation.objects.filter(identifier__in=LONDON_OWNERS).order_by("short_name"))
            lead = next(o for o in owners if o.identifier == LONDON_OWNERS[0])
            author = self.people["coordinator"]  # a coordinator opens a joint ITP for their network's boroughs
            currency, contact = "GBP", ("Joint ITP team, Camden", "joint-itp@camden.demo.citytools.invalid")
        else:
            owners, lead, author = [toronto], toronto, self.owner
            currency, contact = "CAD", ("Civic Innovation Office", "itp@toronto.demo.citytools.invalid")
        self.challenge = authoring.create_challenge(
            owners=owners, lead=lead, slug=spec.slug, reference=f"{REFERENCE_PREFIX}{spec.number:03d}",
            now=at(-14), title=spec.title, problem_statement=spec.problem,
            background=BACKGROUND_311 if not spec.london else (
                "Each borough runs its own repairs line and its own forms; tenants of all four boroughs told the "
                "joint tenant panel they cannot see what happens after they report a repair."
            ),
            affected=spec.affected, outcomes=spec.outcomes, out_of_scope=spec.out_of_scope, how_to_apply=HOW_TO_APPLY,
            budget_cap=Decimal(spec.budget), currency=currency, codesign_weeks=spec.weeks, blind_scoring=spec.blind,
            terms_non_binding=True, terms_vendor_owns_prototype=True, terms_separate_purchase=True, terms_text=TERMS,
            contact_name=contact[0], contact_email=contact[1],
            publication_date=at.day(0), question_deadline=at(spec.deadlines[0], 3),
            submission_deadline=at(spec.deadlines[1], 3), evaluation_date=at.day(spec.deadlines[1] + 7),
            expected_start=at.day(spec.deadlines[1] + 28),
            **self.as_(author),
        )
        self.challenge = authoring.set_criteria(
            self.challenge, version=self.challenge.version, criteria=CRITERIA, eligibility=ELIGIBILITY,
            **self.as_(self.owner),
        )
        self.challenge = authoring.set_panel(
            self.fresh(), steward=self.steward, evaluators=self.evaluators, now=at(-13), **self.as_(self.owner)
        )

    def publish(self):
        self.move(State.IN_REVIEW, self.owner, self.at(-7))
        if self.spec.state == State.IN_REVIEW:
            return
        self.move(State.PUBLISHED, self.steward, self.at(0))

    def open_period(self, *, submit: bool):
        at = self.at
        for index, slug in enumerate(self.spec.applicants):
            user, supplier = self.applicant_users[slug], self.suppliers[slug]
            authoring.register_interest(self.fresh(), supplier=supplier, now=at(1 + index), **self.as_(user))
        asker = self.applicant_users[self.spec.applicants[0]] if self.spec.applicants else None
        if asker is not None:
            question = authoring.ask_question(
                self.fresh(), text="Can a team of two apply, or is there a minimum size?", now=at(3), **self.as_(asker)
            )
            authoring.answer_question(
                self.fresh(), question, now=at(5),
                answer="Any size can apply. Tell us who would do the work and how much of their time it would take.",
                **self.as_(self.owner),
            )
        if len(self.spec.applicants) > 1:
            question = authoring.ask_question(
                self.fresh(), text="Is there data we can use to prepare, such as anonymised request counts?",
                now=at(6), **self.as_(self.applicant_users[self.spec.applicants[1]]),
            )
            if self.spec.state != State.PUBLISHED or self.spec.london:
                authoring.answer_question(
                    self.fresh(), question, now=at(8),
                    answer="Yes: yearly counts by type and ward are on the open-data portal; we will share more with the partner.",
                    **self.as_(self.owner),
                )
        authoring.issue_addendum(
            self.fresh(), title="Information session",
            body="An online information session for applicants is added on day 10; its notes will be published here.",
            now=at(9), **self.as_(self.owner),
        )
        for index, slug in enumerate(self.spec.applicants):
            applicant = next(a for a in APPLICANTS if a.slug == slug)
            user, supplier = self.applicant_users[slug], self.suppliers[slug]
            proposal = proposals.save_proposal(
                self.fresh(), supplier=supplier, now=at(12 + index), scale=applicant.scale,
                summary=f"{applicant.name}: {applicant.blurb} We would start from the calls residents make twice.",
                approach="Shadow call-takers in week one, then test a prototype with residents every fortnight.",
                team=f"{'Two' if applicant.scale == 'micro' else 'Four'} people from {applicant.name}, with a researcher.",
                plan="Weeks 1–3 discover, 4–9 prototype, 10–12 pilot with one team, then the demo.",
                price=str(self.spec.budget - 1000 * (index + 1)),
                **self.as_(user),
            )
            if index == 0:
                # The first applicant attaches its work plan, as a small firm would.
                plan = "Weeks,Activity\n1-3,Discover with call-takers and residents\n4-9,Prototype\n10-12,Pilot with one team\n"
                proposals.add_attachment(
                    proposal, upload=SimpleUploadedFile(f"work-plan-{self.spec.number}.csv", plan.encode(), "text/csv"),
                    now=at(12 + index, 1), **self.as_(user),
                )
            if submit or (self.spec.state == State.PUBLISHED and index == 0):
                proposal = proposals.submit_proposal(proposal, now=at(20 + index * 0.5), **self.as_(user))
            self.proposals.append(proposal)
        if submit and len(self.proposals) > 1:
            # One applicant withdraws, changes the price and submits again before the deadline.
            user = self.applicant_users[self.spec.applicants[1]]
            proposals.withdraw_proposal(self.proposals[1], now=at(30), **self.as_(user))
            self.proposals[1] = proposals.save_proposal(
                self.fresh(), proposal=self.proposals[1], now=at(30, 1), scale="small",
                summary=self.proposals[1].summary, approach=self.proposals[1].approach, team=self.proposals[1].team,
                plan=self.proposals[1].plan, price=str(self.spec.budget - 500), **self.as_(user),
            )
            self.proposals[1] = proposals.submit_proposal(self.proposals[1], now=at(30, 2), **self.as_(user))

    def close(self):
        self.clock_move(State.QUESTIONS_CLOSED, self.challenge.question_deadline, "The question deadline passed.")
        self.clock_move(State.SUBMISSIONS_CLOSED, self.fresh().submission_deadline, "The submission deadline passed.")

    def screen(self):
        criteria = list(EligibilityCriterion.objects.filter(challenge=self.challenge))
        for index, proposal in enumerate(self.proposals):
            proposal = Proposal.objects.get(pk=proposal.pk)
            # The last of six fails on insurance, so its debrief quotes why.
            fails = len(self.proposals) == 6 and index == 5
            decisions = {
                c.pk: (not (fails and c.position == 1), "No liability insurance certificate was provided." if fails and c.position == 1 else "")
                for c in criteria
            }
            proposals.screen_proposal(proposal, decisions=decisions, now=self.at(36), **self.as_(self.owner))
        self.move(State.EVALUATION, self.owner, self.at(37))

    def score(self, *, evaluators=None, partial_last=False):
        chosen = self.evaluators if evaluators is None else evaluators
        scorable = list(Proposal.objects.filter(challenge=self.challenge, eligible=True).order_by("pk"))
        criteria = list(self.challenge.criteria.all())
        for e_index, user in enumerate(chosen):
            evaluation.declare_interests(self.fresh(), has_conflict=False, now=self.at(37, 2 + e_index), **self.as_(user))
            for p_index, proposal in enumerate(scorable):
                if partial_last and e_index == len(chosen) - 1 and p_index >= 1:
                    break
                scores = {
                    c.pk: (
                        max(0, min(4, 4 - p_index + (e_index + c_index) % 2 - (1 if p_index > 2 else 0))),
                        f"{['Clear', 'Solid', 'Reasonable', 'Thin'][min(p_index, 3)]} on {mid_sentence(c.name)}.",
                    )
                    for c_index, c in enumerate(criteria)
                }
                evaluation.score_proposal(proposal, scores=scores, now=self.at(38 + e_index, p_index), **self.as_(user))
            if not (partial_last and e_index == len(chosen) - 1):
                evaluation.complete_evaluation(self.fresh(), now=self.at(41, e_index), **self.as_(user))

    def consensus(self):
        self.challenge = evaluation.lock_for_consensus(self.fresh(), now=self.at(43), **self.as_(self.owner))
        criteria = list(self.challenge.criteria.all())
        for p_index, proposal in enumerate(Proposal.objects.filter(challenge=self.challenge, eligible=True).order_by("pk")):
            for c_index, criterion in enumerate(criteria):
                row = evaluation.consensus_score(self.challenge, proposal.pk, criterion.pk, viewer=Viewer.for_user(self.owner))
                override = p_index == 1 and c_index == 0
                evaluation.set_consensus(
                    proposal, criterion, score=(row.mean + (1 if row.mean < 3 else -1) if override else row.mean),
                    rationale="The panel discussed the spread of scores and agreed a different view of the evidence." if override else "",
                    feedback=f"{'Strong' if p_index == 0 else 'Good' if p_index < 3 else 'Some'} evidence on {mid_sentence(criterion.name)}.",
                    now=self.at(44, p_index), **self.as_(self.owner),
                )

    def select(self):
        first = Proposal.objects.filter(challenge=self.challenge, eligible=True).order_by("pk").first()
        self.challenge = evaluation.select_proposal(
            self.fresh(), proposal=first, rationale="The highest consensus total, and a plan that fits the weeks.",
            **self.as_(self.owner),
        )

    def partner(self):
        self.challenge = evaluation.sign_off(self.fresh(), now=self.at(47), **self.as_(self.steward))
        # The owners review each debrief's feedback (here as drafted) and release it.
        for proposal in Proposal.objects.filter(challenge=self.challenge, eligible=True).order_by("pk"):
            draft = outcome.debrief(self.fresh(), viewer=Viewer.for_user(self.owner), proposal_id=proposal.pk)
            outcome.release_debrief(
                self.fresh(), proposal_id=proposal.pk, now=self.at(48),
                feedback={line.criterion_id: outcome.draft_feedback(line) for line in draft.lines}, **self.as_(self.owner),
            )
        self.move(State.CO_DESIGN, self.owner, self.at(63))

    def codesign(self, *, done: int):
        partner_user = self.applicant_users[self.spec.applicants[0]]
        titles = ["Kick-off with 311 and residents", "Discovery findings shared", "First prototype tested",
                  "Pilot with one call-centre team", "Demo to divisions and residents"]
        for index, title in enumerate(titles):
            milestone = outcome.add_milestone(
                self.fresh(), title=title, due_date=self.at.day(63 + 21 * index), **self.as_(self.owner)
            )
            if index < done:
                outcome.mark_milestone_done(
                    self.fresh(), milestone_id=milestone.pk, today=self.at.day(62 + 21 * index), **self.as_(partner_user)
                )
        notes = [
            ("on_track", "Kick-off held; we sat with call-takers for two days.", self.owner),
            ("on_track", "Residents tested the first screens; the status page is clearer now.", partner_user),
            ("at_risk", "Data from the work-order system is late; we are using a sample meanwhile.", partner_user),
            ("on_track", "Pilot team is using the prototype on every shift.", self.owner),
        ]
        for index, (status, note, author) in enumerate(notes[: max(1, done)]):
            outcome.add_check_in(self.fresh(), status=status, note=note, now=self.at(70 + 14 * index), **self.as_(author))

    def close_out(self):
        self.move(State.DEMO, self.owner, self.at(63 + 7 * self.spec.weeks))
        answers = [
            (5, 5, 30, True, "A short form and a clear problem: we could apply in two days.", "Publish the data earlier."),
            (4, 4, 45, True, "Answers to questions came fast and were public.", "Say more about how scores are weighed."),
            (4, 5, 20, True, "No long tender documents.", "An information session in the evening too."),
            (3, 4, 60, None, "The debrief told us exactly where we fell short.", "A longer co-design would suit a bigger team."),
            (2, 3, 80, False, "Clear budget cap.", "The budget is too small for our usual way of working."),
        ]
        for slug, (satisfaction, clarity, hours, again, keep, change) in zip(self.spec.applicants, answers, strict=False):
            outcome.respond_to_survey(
                self.fresh(), satisfaction=satisfaction, clarity=clarity, effort_hours=hours, would_apply_again=again,
                keep=keep, change=change, now=self.at(63 + 7 * self.spec.weeks, 2), **self.as_(self.applicant_users[slug]),
            )
        self.move(State.CLOSED_OUT, self.owner, self.at(63 + 7 * self.spec.weeks + 7))

    def play(self, toronto):
        state = self.spec.state
        self.write(toronto)
        if state == State.DRAFT:
            return
        if state == State.CANCELLED:
            self.publish()
            self.open_period(submit=False)
            self.move(
                State.CANCELLED, self.owner, self.at(15),
                reason="The city chose to extend its existing virtual-agent trial instead; thank you to everyone who applied.",
            )
            return
        self.publish()
        if state in (State.IN_REVIEW,):
            return
        self.open_period(submit=state != State.PUBLISHED)
        if state == State.PUBLISHED:
            return
        self.close()
        self.screen()
        if state == State.EVALUATION:
            self.score(partial_last=True)
            return
        self.score()
        self.consensus()
        self.select()
        if state == State.SELECTION:
            return
        self.partner()
        self.codesign(done=5 if state == State.CLOSED_OUT else 2)
        if state == State.CO_DESIGN:
            return
        self.close_out()


def _current(spec: Spec, as_of) -> bool:
    """Is the demo's challenge for `spec` the one this date would build?"""
    challenge = Challenge.objects.filter(slug=spec.slug).only("publication_date", "reference").first()
    return (
        challenge is not None
        and challenge.reference == f"{REFERENCE_PREFIX}{spec.number:03d}"
        and challenge.publication_date == Clock(as_of, spec.publish_day).day(0)
    )


@transaction.atomic
def build_partnering(*, as_of: datetime.date) -> PartneringResult:
    """Make the demo's Invitations to Partner match `as_of`. Called by citytools.demo.builder
    once the London market exists. The challenges need their people, so the demo accounts
    are made here (citytools.demo.people; the demo command's own call then changes nothing)."""
    result = PartneringResult()
    toronto, suppliers = _reference_data(result)
    accounts = create_demo_people()
    people = {a.email.split("@")[0]: User.objects.get(email=a.email) for a in accounts}
    applicant_users = _applicant_users(suppliers)
    # Demo challenges built for another date, or no longer in SPECS, go first (their
    # proposals, scores and history with them); challenges people made are never touched.
    stale = Challenge.objects.filter(reference__startswith=REFERENCE_PREFIX).exclude(
        slug__in=[s.slug for s in SPECS if _current(s, as_of)]
    )
    result.deleted += len(stale)
    files = list(Attachment.objects.filter(proposal__challenge__in=stale).values_list("file", flat=True))
    if files:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    for challenge in stale:
        Challenge.objects.filter(pk=challenge.pk).update(selected_proposal=None)
        challenge.delete()
    for spec in SPECS:
        if Challenge.objects.filter(slug=spec.slug).exists():
            continue
        Story(spec, as_of=as_of, people=people, suppliers=suppliers, applicant_users=applicant_users).play(toronto)
        result.created += 1
    result.challenges = Challenge.objects.filter(reference__startswith=REFERENCE_PREFIX).count()
    return result
