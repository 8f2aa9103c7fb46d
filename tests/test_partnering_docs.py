"""The Invitation to Partner guide keeps up with the lifecycle: its table of moves is exactly
citytools.partnering.rules.MOVES, and it names every state."""

import re
from pathlib import Path

from citytools.partnering.models import State
from citytools.partnering.rules import MOVES, By

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "partnering.md"
WHO = {By.OWNER: "owners", By.STEWARD: "steward", By.CLOCK: "clock"}
ROW = re.compile(r"^\| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]*)\|$")


def documented_moves() -> set[tuple]:
    rows = set()
    for line in GUIDE.read_text().splitlines():
        match = ROW.match(line)
        if match and match.group(1).strip() not in ("From", "---"):
            frm, label, to, who, reason = (part.strip() for part in match.groups())
            rows.add((frm, label, to, frozenset(w.strip() for w in who.split(",")), reason == "yes"))
    return rows


def test_the_guides_table_of_moves_is_the_lifecycle_table():
    expected = {
        (frm.label, move.label, move.to.label, frozenset(WHO[b] for b in move.by), move.needs_reason)
        for frm, moves in MOVES.items()
        for move in moves
    }
    documented = documented_moves()
    assert documented - expected == set(), "the guide lists moves the table does not allow"
    assert expected - documented == set(), "the guide misses moves of the table"


def test_the_guide_names_every_state():
    text = GUIDE.read_text()
    missing = [state.label for state in State if state.label not in text]
    assert missing == []


def test_the_readme_links_the_guide():
    readme = GUIDE.parent.parent / "README.md"
    assert "(docs/partnering.md)" in readme.read_text()
