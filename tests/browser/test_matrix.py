"""The matrix as a person uses it: filters and sorting update the table in place, axe still
passes, and the CSV download holds exactly what the table shows."""

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settle

pytestmark = pytest.mark.browser

# Reads the table on screen the way the CSV lays it out: "Group › Area" column headings,
# then per row the organisation and each cell's product names joined by "; ".
READ_TABLE = """() => {
  const text = (element) => {
    const clone = element.cloneNode(true);
    clone.querySelectorAll(".govuk-visually-hidden").forEach((hidden) => hidden.remove());
    return clone.textContent.replace(/\\s+/g, " ").trim();
  };
  const table = document.querySelector("#matrix-region table");
  if (!table) return null;
  const [groupRow, areaRow] = table.querySelectorAll("thead tr");
  const groups = [];
  groupRow.querySelectorAll("th[scope=colgroup]").forEach((th) => {
    for (let i = 0; i < th.colSpan; i++) groups.push(text(th));
  });
  const header = [...areaRow.querySelectorAll("th")].map((th, i) => `${groups[i]} › ${text(th)}`);
  const rows = [...table.querySelectorAll("tbody tr")].map((tr) => [
    text(tr.querySelector("th[scope=row] a")),
    ...[...tr.querySelectorAll("td")].map((td) =>
      [...td.querySelectorAll('a[href*="/products/"]')].map(text).join("; ")),
  ]);
  return { caption: text(table.querySelector("caption")), header, rows };
}"""


def read_table(page):
    settle(page)
    table = page.evaluate(READ_TABLE)
    assert table is not None, "the matrix shows no table"
    return table


def first_provider(page) -> str:
    return page.locator("#matrix-region tbody td").filter(has=page.locator("a")).first.locator(
        "a + *"
    ).first.inner_text().strip()


@pytest.fixture
def matrix(page):
    page.goto("/matrix/")
    settle(page)
    # A full page load would lose this marker; HTMX swaps keep it.
    page.evaluate("() => { window.__sameDocument = true; }")
    return page


def assert_same_document(page):
    assert page.evaluate("() => window.__sameDocument === true"), "the page reloaded instead of updating in place"


def test_filters_update_the_table_in_place(matrix, console_errors, axe):
    page = matrix
    before = read_table(page)

    group_select = page.get_by_role("combobox", name="Service-area group")
    group_name = group_select.locator("option").nth(1).inner_text().strip()
    group_select.select_option(label=group_name)
    page.wait_for_url(re.compile(r"[?&]group="))
    expect(page.locator("#matrix-region caption")).to_contain_text(group_name)
    by_group = read_table(page)
    assert by_group["header"] != before["header"]
    assert by_group["header"] and all(h.startswith(f"{group_name} › ") for h in by_group["header"])
    assert_same_document(page)
    axe(page, context="matrix filtered by group")

    supplier = first_provider(page)
    page.get_by_role("combobox", name="Supplier").select_option(label=supplier)
    page.wait_for_url(re.compile(r"[?&]supplier="))
    settle(page)
    assert "group=" in page.url
    by_supplier = read_table(page)
    assert by_supplier != by_group
    items = lambda table: sum(len([p for p in cell.split("; ") if p]) for row in table["rows"] for cell in row[1:])  # noqa: E731
    assert 0 < items(by_supplier) <= items(by_group)
    assert_same_document(page)
    axe(page, context="matrix filtered by group and supplier")
    assert console_errors == []


def test_sorting_by_organisation_reverses_the_rows(matrix, axe):
    page = matrix
    before = [row[0] for row in read_table(page)["rows"]]
    assert len(before) > 1
    header = page.locator("#matrix-region thead th").filter(has_text="Organisation").first
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.get_by_role("link").click()
    page.wait_for_url(re.compile(r"[?&]sort=-name"))
    expect(page.locator("#matrix-region thead th").filter(has_text="Organisation").first).to_have_attribute(
        "aria-sort", "descending"
    )
    after = [row[0] for row in read_table(page)["rows"]]
    # The first page of each order: A to Z, then from the other end of the alphabet.
    assert before == sorted(before, key=str.casefold)
    assert after == sorted(after, key=str.casefold, reverse=True)
    assert after[0].casefold() >= before[-1].casefold()
    assert_same_document(page)
    axe(page, context="matrix sorted by organisation, Z to A")


def test_the_next_page_keeps_the_order_and_swaps_in_place(matrix, axe):
    page = matrix
    header = page.locator("#matrix-region thead th").filter(has_text="Organisation").first
    header.get_by_role("link").click()
    page.wait_for_url(re.compile(r"[?&]sort=-name"))
    first = [row[0] for row in read_table(page)["rows"]]
    page.get_by_role("navigation", name="Pages of organisations").get_by_role("link", name=re.compile("Next")).click()
    page.wait_for_url(re.compile(r"[?&]page=2"))
    assert "sort=-name" in page.url
    second = [row[0] for row in read_table(page)["rows"]]
    assert second and second == sorted(second, key=str.casefold, reverse=True)
    assert second[0].casefold() <= first[-1].casefold()
    expect(page.locator("#matrix-region caption")).to_contain_text("page 2 of")
    assert_same_document(page)
    axe(page, context="matrix, second page of organisations")


def test_csv_download_matches_the_table_on_screen(matrix):
    page = matrix
    group_select = page.get_by_role("combobox", name="Service-area group")
    group_select.select_option(index=1)
    page.wait_for_url(re.compile(r"[?&]group="))
    shown = read_table(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download .*CSV")).click()
    path = download_info.value.path()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))

    assert header[0] == "Organisation"
    # The CSV adds each organisation's GSS code after its name; the table links to it instead.
    assert header[1] == "GSS code"
    assert header[2:] == shown["header"]
    # The CSV holds every organisation; the table shows the first page of them.
    assert [[row[0], *row[2:]] for row in rows][: len(shown["rows"])] == shown["rows"]
    assert len(rows) >= len(shown["rows"])
    assert all(re.fullmatch(r"[EWSN]\d{8}", row[1]) for row in rows)
