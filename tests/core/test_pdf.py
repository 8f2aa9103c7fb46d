"""citytools.core.pdf: a table row is never split across pages (issue 13, item 19)."""

import io
import re

from pypdf import PdfReader

from citytools.core.pdf import write_pdf

LINES = 6


def long_table(rows: int = 40) -> str:
    body = "".join(
        f"<tr><th>Row {n}</th><td>{'<br>'.join(f'R{n}L{i}' for i in range(1, LINES + 1))}</td></tr>"
        for n in range(1, rows + 1)
    )
    return (
        "<!DOCTYPE html><html><head><style>@page { size: A6; margin: 10mm; } body { font-size: 10pt; }</style></head>"
        f"<body><table><thead><tr><th>Row</th><th>Lines</th></tr></thead><tbody>{body}</tbody></table></body></html>"
    )


def pages_of_each_row(pdf: bytes) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for page_number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for row in re.findall(r"R(\d+)L\d+", page.extract_text()):
            found.setdefault(int(row), set()).add(page_number)
    return found


def test_no_table_row_is_split_across_pages():
    pdf = write_pdf(long_table())
    pages = pages_of_each_row(pdf)
    assert len(pages) == 40
    assert max(max(p) for p in pages.values()) >= 3  # the table runs over several pages
    split = {row: sorted(p) for row, p in pages.items() if len(p) > 1}
    assert split == {}
    # The header row starts every page the table runs over.
    assert all("Lines" in page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_same_text_is_laid_out_once_and_other_text_anew():
    from citytools.core import pdf

    html = "<html><body><h1>Once only</h1><p>Laid out the first time it is asked for.</p></body></html>"
    first = write_pdf(html)
    hits = pdf._render.cache_info().hits
    assert write_pdf(html) == first
    assert pdf._render.cache_info().hits == hits + 1
    assert write_pdf(html.replace("Once only", "Something else")) != first
