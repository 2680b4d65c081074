from playwright.sync_api import Page


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign in through the form, by its fields' names: it works whatever language the page is in."""
    page.goto(f"{base_url}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
