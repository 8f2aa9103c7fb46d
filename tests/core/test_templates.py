"""Template source mistakes that show on the page."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_template_comment_runs_over_lines():
    """Django's {# #} comment ends at the end of its line: one that runs over two lines is
    printed on the page as text (it was, above a list's table and beside every chart)."""
    unclosed = []
    for path in sorted((ROOT / "citytools").rglob("templates/**/*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"{#(?!.*#})", line):
                unclosed.append(f"{path.relative_to(ROOT)}:{number}")
    assert unclosed == [], f"use {{% comment %}} or one {{# #}} per line: {unclosed}"
