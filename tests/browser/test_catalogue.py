"""A missing product proposed and used at once through the pages, then accepted, with and
without JavaScript.

Camden's demo editor starts adding a system, follows "Not in the list? Propose a product",
proposes one made by the supplier Camden proposed in the demo, comes back to the system form
with the new product in the list, and adds the system; the London coordinator finds the
proposal in their review queue and accepts it. axe (WCAG 2.2 A/AA) checks every page on the
way. Each run proposes its own product, so the two do not depend on each other.
"""

import re
from urllib.parse import urlencode

import pytest

from citytools.demo.proposals import SUPPLIER
from tests.browser.test_campaign import signed_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_a_missing_product_is_proposed_used_and_accepted(browser, server, axe, js):
    if not js:
        axe = lambda page, context: None  # noqa: E731  (axe needs JavaScript)
    name = f"Permit Kiosk {'with' if js else 'without'} JavaScript"
    editor_context, editor = signed_in(browser, server, "editor", js=js)
    editor.goto("/organisations/camden/systems/add/")
    editor.get_by_role("link", name="a product").click()
    assert editor.locator("h1").inner_text() == "Propose a supplier or product"
    axe(editor, context="propose")
    editor.get_by_role("button", name="Propose it").click()
    assert "Give its name." in editor.locator(".govuk-error-summary").inner_text()
    axe(editor, context="propose with errors")
    editor.get_by_label("Product", exact=True).check()
    editor.get_by_label("Its name").fill(name)
    editor.get_by_label("For a product: who makes it").select_option(label=SUPPLIER)
    editor.get_by_role("button", name="Propose it").click()
    assert editor.url.endswith("/organisations/camden/systems/add/")
    assert f"{name} is proposed" in editor.locator("main").inner_text()
    editor.get_by_label("Product", exact=True).select_option(label=f"{name} ({SUPPLIER})")
    editor.locator("input[name=service_areas]").first.check()
    editor.get_by_role("button", name="Add system").click()
    editor.wait_for_url(re.compile(r"/systems/\d+/$"))
    assert name in editor.locator("h1").inner_text()
    axe(editor, context="the system of a proposed product")

    coordinator_context, coordinator = signed_in(browser, server, "coordinator", js=js)
    coordinator.goto("/catalogue-proposals/")
    axe(coordinator, context="proposals")
    coordinator.get_by_role("link", name=name).first.click()
    axe(coordinator, context="one proposal")
    coordinator.get_by_label("Accept it into the catalogue").check()
    coordinator.get_by_role("button", name="Save the decision").click()
    assert f"{name}: accepted" in coordinator.locator("main").inner_text()
    # The products list goes 50 a page: the new product is found by its name, as a person would.
    coordinator.goto("/products/?" + urlencode({"search": name}))
    assert name in coordinator.locator("main").inner_text()
    for context in (editor_context, coordinator_context):
        context.close()
