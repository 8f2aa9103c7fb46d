"""An Invitation to Partner run end to end through the pages, by the people who run it.

The demo's owner writes a challenge and its criteria and sends it for review; the steward
publishes it; four applicants (the demo's vendor users of four small firms) register
interest, one asks a question the owner answers, all four submit proposals and one
withdraws and resubmits. The deadlines are a minute or two ahead and close on the next
request after they pass. The owner screens the proposals; three evaluators declare no
conflict and score every proposal with comments; the owner locks the scores, nominates the
top proposal, and the steward signs off. An applicant who was not selected reads their
debrief and the public reads the award notice.

Each person has their own browser context, and axe (WCAG 2.2 A/AA) checks every page each
of them sees.
"""

import datetime
import os
import re
import time
from zoneinfo import ZoneInfo

import pytest

from citytools.demo.people import DEMO_PASSWORD
from tests.browser.conftest import new_page

pytestmark = pytest.mark.browser

DOMAIN = "demo.citytools.invalid"
TITLE = "Fewer repeat calls about missed waste collections"
# The server's own zone (citytools.settings): the deadline fields are in local time.
ZONE = ZoneInfo(os.environ.get("CITYTOOLS_TIME_ZONE", "Europe/London"))
# Seconds from writing the challenge to its deadlines: enough for the owner, the steward and
# four applicants to do their part on a busy machine, short enough to wait for.
QUESTIONS_OPEN_FOR = 100
SUBMISSIONS_OPEN_FOR = 200
APPLICANTS = {
    "applicant1": ("Ravine Civic Labs", "micro", 3),
    "applicant2": ("Lakeshore Service Design Co.", "small", 2),
    "applicant3": ("Queen Street Data Studio", "small", 1),
    "applicant4": ("Northway Digital Cooperative", "medium", 1),
}
LEVELS = "Not addressed\nWeak\nAdequate\nStrong\nExcellent"


class Person:
    """One person in their own browser context; every page they reach is checked with axe
    (the sign-in form once: it is the same page for everyone)."""

    signed_in_form_checked = False

    def __init__(self, browser, server, axe, name: str | None):
        self.name = name or "public"
        self.context, self.page = new_page(browser, server)
        self.page.set_default_timeout(20_000)
        self.axe = axe
        self.seen = 0
        if name:
            self.page.goto("/accounts/login/?next=/challenges/")
            if not Person.signed_in_form_checked:
                self.check()
                Person.signed_in_form_checked = True
            self.page.get_by_label("Email address").fill(f"{name}@{DOMAIN}")
            self.page.get_by_label("Password").fill(DEMO_PASSWORD)
            self.press("Sign in")
            assert "Your account" in self.page.locator("header").inner_text(), f"{name} could not sign in"

    def check(self):
        self.seen += 1
        self.axe(self.page, context=f"{self.page.url} as {self.name}")

    def visit(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status} to {self.name}"
        self.check()

    def press(self, button: str):
        self.page.get_by_role("button", name=button, exact=True).click()
        self.page.wait_for_load_state()
        self.check()

    def follow(self, link: str):
        self.page.get_by_role("link", name=link, exact=True).first.click()
        self.page.wait_for_load_state()
        self.check()

    def main(self) -> str:
        return self.page.locator("main").inner_text()

    def move(self, slug: str, label: str, reason: str = ""):
        """Make a move from the challenge page: its button leads to a confirmation page."""
        self.visit(f"/challenges/{slug}/")
        self.follow(label)
        if reason:
            self.page.get_by_label("Reason").fill(reason)
        self.press(label)

    def close(self):
        self.context.close()


def local(moment: datetime.datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M:%S")


def wait_until(moment: datetime.datetime):
    remaining = (moment - datetime.datetime.now(datetime.UTC)).total_seconds()
    if remaining > 0:
        time.sleep(remaining)


def test_a_challenge_runs_from_draft_to_partner_through_the_pages(browser, server, axe):
    people = {}

    def person(name):
        if name not in people:
            people[name] = Person(browser, server, axe, None if name == "public" else name)
        return people[name]

    try:
        # Everyone signs in first, so that the short deadlines are spent on the challenge.
        for name in ("admin", "owner", "steward", *APPLICANTS, "evaluator1", "evaluator2", "evaluator3", "public"):
            person(name)

        # Toronto's rules give applicants 14 days; this challenge runs in minutes, so a platform
        # admin turns the two time checks off first (0 days), as the rules page allows.
        admin = person("admin")
        admin.visit("/challenges/all/rules/toronto-itp/")
        admin.page.get_by_label("Fewest days from publication to the submission deadline").fill("0")
        admin.page.get_by_label("Fewest days from the question deadline to the submission deadline").fill("0")
        admin.press("Save the rules")
        assert not admin.page.locator(".govuk-error-summary").count()

        # The owner writes the challenge -------------------------------------------------------
        owner = person("owner")
        owner.visit("/challenges/new/")
        started = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        question_deadline = started + datetime.timedelta(seconds=QUESTIONS_OPEN_FOR)
        submission_deadline = started + datetime.timedelta(seconds=SUBMISSIONS_OPEN_FOR)
        form = owner.page
        form.get_by_label("Toronto", exact=True).check()
        form.get_by_label("Title", exact=True).fill(TITLE)
        form.get_by_label("The Challenge").fill(
            "Residents call 311 again and again when a waste collection is missed. How might we work with residents "
            "and crews so that a missed collection is reported once and fixed?"
        )
        form.get_by_label("Background").fill("Missed collections are among the most frequent reasons to call 311.")
        form.get_by_label("Budget cap").fill("40000")
        form.get_by_label("Currency").fill("CAD")
        form.get_by_label("Co-design length in weeks").fill("12")
        form.get_by_label("Question deadline").fill(local(question_deadline))
        form.get_by_label("Submission deadline").fill(local(submission_deadline))
        form.get_by_label("The partnership is non-binding").check()
        form.get_by_label("The vendor owns the prototype").check()
        form.get_by_label("Any later purchase needs a separate contract").check()
        form.get_by_label("Contact e-mail").fill("itp@toronto.demo.citytools.invalid")
        owner.press("Create the draft")
        assert owner.page.locator("h1").inner_text() == TITLE
        slug = owner.page.url.rstrip("/").split("/")[-1]
        assert "cannot be published yet" in owner.main()

        owner.visit(f"/challenges/{slug}/criteria/")
        criteria = owner.page
        for index, (name, weight) in enumerate([("Understanding of residents and crews", "60"), ("Co-design approach", "40")]):
            criteria.locator(f"[name=criteria-{index}-name]").fill(name)
            criteria.locator(f"[name=criteria-{index}-weight]").fill(weight)
            criteria.locator(f"[name=criteria-{index}-scale_max]").fill("4")
            criteria.locator(f"[name=criteria-{index}-level_texts]").fill(LEVELS)
        criteria.get_by_label("Pass/fail eligibility criteria").fill("Can start within four weeks of selection.")
        owner.press("Save the criteria")

        owner.visit(f"/challenges/{slug}/panel/")
        owner.page.get_by_label("Procurement steward", exact=True).select_option(label=f"Demo Procurement Steward (steward@{DOMAIN})")
        for n in (1, 2, 3):
            owner.page.get_by_label(f"Demo Evaluator {n} (evaluator{n}@{DOMAIN})").check()
        owner.press("Save the panel")

        owner.move(slug, "Send for review")
        assert "In review" in owner.page.locator("#challenge-state").inner_text()

        # The steward publishes it --------------------------------------------------------------
        steward = person("steward")
        steward.move(slug, "Approve and publish")
        assert "Open for questions" in steward.page.locator("#challenge-state").inner_text()

        # One applicant asks a question while questions are open; the owner answers it --------------
        asker = person("applicant1")
        asker.visit(f"/challenges/{slug}/questions/")
        asker.page.get_by_label("Your question").fill("May we ride along with a collection crew during discovery?")
        asker.press("Send the question")
        owner.visit(f"/challenges/{slug}/questions/")
        owner.page.get_by_label("Answer").first.fill("Yes: the division will arrange ride-alongs in the first two weeks.")
        owner.press("Publish the answer")
        public = person("public")
        public.visit(f"/challenges/{slug}/")
        assert "ride-alongs" in public.main() and "applicant1" not in public.main()

        # Four applicants register interest ----------------------------------------------------------
        for name in APPLICANTS:
            applicant = person(name)
            applicant.visit(f"/challenges/{slug}/")
            applicant.press("Register interest")
            assert "You registered interest" in applicant.main()

        # Each drafts and submits a proposal; one withdraws and submits again --------------------------
        for name, (supplier, scale, _) in APPLICANTS.items():
            applicant = person(name)
            applicant.visit(f"/challenges/{slug}/proposal/")
            page = applicant.page
            page.locator(f"input[name=scale][value={scale}]").check()
            page.get_by_label("Your idea").fill(f"{supplier} would tell residents when the crew will return.")
            page.get_by_label("Your approach").fill("Ride along with crews, then test with residents every fortnight.")
            page.get_by_label("Your team").fill("A designer, a developer and a researcher.")
            page.get_by_label("Your price").fill("38000")
            applicant.press("Save draft")
            applicant.press("Submit my proposal")
            assert "Your proposal is submitted" in applicant.main()
        assert datetime.datetime.now(datetime.UTC) < submission_deadline, "too slow: the deadline passed mid-way"
        second = person("applicant2")
        second.visit(f"/challenges/{slug}/proposal/")
        second.press("Withdraw my proposal")
        assert "withdrawn" in second.main()
        second.page.get_by_label("Your price").fill("36000")
        second.press("Save draft")
        second.press("Submit my proposal")
        assert "Your proposal is submitted" in second.main()
        owner.visit(f"/challenges/{slug}/proposals/")
        assert "4" in owner.main() and "Ravine Civic Labs" not in owner.main()  # sealed: only the count

        # The deadlines pass; the next request closes them ---------------------------------------------
        wait_until(submission_deadline + datetime.timedelta(seconds=1))
        owner.visit(f"/challenges/{slug}/proposals/")
        for supplier, _, _ in APPLICANTS.values():
            assert supplier in owner.main()
        for supplier, _, _ in APPLICANTS.values():
            owner.follow(f"Screen {supplier}")
            for radio in owner.page.locator("input[type=radio][value=pass]").all():
                radio.check()
            owner.press("Save the screening")
        owner.move(slug, "Start evaluation")
        assert "Evaluation" in owner.page.locator("#challenge-state").inner_text()

        # Three evaluators declare no conflict and score every proposal ---------------------------------
        for n in (1, 2, 3):
            evaluator = person(f"evaluator{n}")
            evaluator.visit(f"/challenges/{slug}/declaration/")
            evaluator.page.get_by_label("I have no conflict of interest with any of these applicants").check()
            evaluator.press("Sign the declaration")
            evaluator.visit(f"/challenges/{slug}/scoring/")
            for supplier, _, score in APPLICANTS.values():
                evaluator.follow(supplier)
                page = evaluator.page
                for comment in page.locator("textarea[name^=comment_]").all():
                    pk = comment.get_attribute("name").removeprefix("comment_")
                    page.locator(f"input[name=score_{pk}][value='{min(4, score + n % 2)}']").check()
                    comment.fill(f"Evaluator {n}: the evidence for {supplier} is clear enough to score.")
                evaluator.press("Save my scores")
                assert "Your scores are saved" in evaluator.main()
            evaluator.press("I have finished scoring")
            assert "Your evaluation is complete" in evaluator.main()

        # The owner locks the scores, reviews consensus and nominates; the steward signs off -------------
        owner.move(slug, "Lock scores for consensus")
        assert "Selection" in owner.page.locator("#challenge-state").inner_text()
        owner.visit(f"/challenges/{slug}/consensus/")
        assert "Ravine Civic Labs" in owner.main()
        owner.visit(f"/challenges/{slug}/selection/")
        owner.page.get_by_label("Rationale").fill("The highest consensus total, with a plan that fits twelve weeks.")
        owner.press("Nominate")
        steward.visit(f"/challenges/{slug}/selection/")
        assert "Ravine Civic Labs" in steward.main()
        steward.press("Sign off")
        steward.visit(f"/challenges/{slug}/")
        assert "Partnered" in steward.page.locator("#challenge-state").inner_text()

        # An applicant who was not selected reads their debrief; the public reads the award --------------
        unselected = person("applicant3")
        unselected.visit(f"/challenges/{slug}/debriefs/")
        if not re.search(r"/debriefs/\d+/$", unselected.page.url):  # one debrief of their own opens at once
            unselected.follow("Queen Street Data Studio")
        debrief = unselected.main()
        assert "Understanding of residents and crews" in debrief and "Co-design approach" in debrief
        assert "Lakeshore Service Design Co." not in debrief
        public.visit(f"/challenges/{slug}/award/")
        assert "Ravine Civic Labs" in public.main()
        assert sum(p.seen for p in people.values()) > 60
    finally:
        for visitor in people.values():
            visitor.close()
