"""`citytools challenge_scores`: the ranking and the panel's CSV, through the same rules."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from citytools.partnering.models import State
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("challenge_scores", *args, stdout=out)
    return out.getvalue()


def test_the_steward_prints_the_ranking_and_exports_the_scores():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SELECTION)
    table = run(challenge.slug, "--as", world.steward.email)
    lines = table.splitlines()
    assert "consensus ranking" in lines[0]
    assert "100.00  Applicant 1 Ltd" in lines[2] and "75.00  Applicant 2 Ltd" in lines[3]
    rows = list(csv.DictReader(io.StringIO(run(challenge.slug, "--as", world.steward.email, "--csv"))))
    assert len(rows) == 2 * 3 * 3  # proposals × criteria × evaluators
    assert {r["evaluator"] for r in rows} == {"Evaluator 1", "Evaluator 2", "Evaluator 3"}
    assert rows[0]["consensus"] == "4.000" and rows[0]["comment"].startswith("Rank 1")


@pytest.mark.parametrize("who", ["applicant1", "member", "stranger"])
def test_others_are_refused(who):
    world = cast(applicants=1)
    challenge = challenge_in(world, State.SELECTION)
    with pytest.raises(CommandError):
        run(challenge.slug, "--as", world.everyone()[who].email)


def test_nobody_reads_the_scores_before_the_lock():
    world = cast(applicants=1)
    challenge = challenge_in(world, State.EVALUATION)
    with pytest.raises(CommandError, match="locked"):
        run(challenge.slug, "--as", world.owner.email)
    with pytest.raises(CommandError, match="No active user"):
        run(challenge.slug, "--as", "nobody@example.org")
