"""Signed-in pages in a real browser: the forms work without JavaScript and pass axe,
error summaries included. (test_pages.py checks every page as the public sees it.)"""

import pytest

from citytools.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert "Your account" in page.locator("header").inner_text()


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"])
def test_a_coordinator_invites_someone_and_signs_out(request, browser_page, axe):
    tab = request.getfixturevalue(browser_page)
    if browser_page == "page_without_js":
        # axe needs JavaScript; without it this run checks that every step still works.
        axe = lambda page, context: None  # noqa: E731
    sign_in(tab, "coordinator@demo.citytools.invalid")
    tab.goto("/accounts/me/")
    axe(tab, context="your account")
    tab.get_by_role("link", name="People in London boroughs").click()
    assert tab.locator("h1").inner_text() == "People in London boroughs"
    axe(tab, context="network people")

    tab.get_by_role("button", name="Send invitation").click()
    assert "There is a problem" in tab.locator(".govuk-error-summary").inner_text()
    axe(tab, context="invite form with errors")

    email = f"invitee-{browser_page.replace('_', '-')}@example.org"
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Role").select_option("editor")
    tab.get_by_label("Organisation").select_option(label="Hackney")
    tab.get_by_role("button", name="Send invitation").click()
    assert f"Invitation sent to {email}" in tab.locator("main").inner_text()
    axe(tab, context="network people after inviting")
    tab.get_by_role("button", name=f"Withdraw the invitation to {email}").click()
    assert "has been withdrawn" in tab.locator("main").inner_text()

    tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_load_state()
    assert "Sign in" in tab.locator("header").inner_text()
    tab.goto("/networks/london/people/")
    assert tab.locator("h1").inner_text() == "Sign in"


def test_editor_pages_and_password_change_errors_pass_axe(page, axe):
    sign_in(page, "editor@demo.citytools.invalid")
    page.goto("/organisations/camden/people/")
    assert page.locator("h1").inner_text() == "People at Camden"
    axe(page, context="organisation people")
    page.goto("/accounts/me/password/")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_role("button", name="Change password").click()
    assert "There is a problem" in page.locator("main").inner_text()
    axe(page, context="password change with errors")
    page.goto("/networks/london/people/")
    assert page.locator("h1").inner_text() == "You cannot see this page"
    axe(page, context="403")


def test_sign_in_errors_and_the_lockout_page_pass_axe(page, axe):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert "There is a problem" in page.locator("main").inner_text()
    axe(page, context="sign-in errors")
    # An address with no account: the lock is per address, so no demo account is affected.
    for _ in range(10):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("locked.out@example.org")
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Sign in", exact=True).click()
        if page.locator("h1").inner_text() == "Too many attempts to sign in":
            break
    assert "try again in" in page.locator("main").inner_text()
    axe(page, context="locked out")
