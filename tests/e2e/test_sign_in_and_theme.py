"""A person signs in through the page and switches to the dark theme."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import UserSettings


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_switch_to_the_dark_theme(live_server, page: Page, alice, password):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()  # a first visit: not "Welcome back"
    light_background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    page.get_by_title("Dark theme").click()

    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.wait_for_load_state()  # the new page's <html> may be parsed before its <body> (pages stream in)
    dark_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_background != light_background
    red, green, blue = (int(part) for part in dark_background.removeprefix("rgb(").rstrip(")").split(","))
    assert max(red, green, blue) < 60, dark_background
    assert UserSettings.objects.get(user=alice).theme == "dark"

    page.reload()  # the choice is the user's setting, not a client-side toggle
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
