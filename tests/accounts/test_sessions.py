"""A new password or "sign out everywhere" ends the other sessions: refresh tokens and browser sessions alike."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
NEW_PASSWORD = "a brand new passphrase 42"


def refresh_token(email: str, password: str) -> str:
    response = APIClient().post(TOKEN, {"email": email, "password": password})
    assert response.status_code == 200
    return response.json()["refresh"]


def browser(email: str, password: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": email, "password": password}).status_code == 302
    assert client.get("/accounts/settings/").status_code == 200
    return client


def test_changing_the_password_on_the_page_revokes_every_refresh_token(alice, bob, password):
    phone = refresh_token(alice.email, password)
    bobs = refresh_token(bob.email, password)
    laptop, other_browser = browser(alice.email, password), browser(alice.email, password)

    response = laptop.post(
        "/accounts/settings/password/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert APIClient().post(REFRESH, {"refresh": phone}).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": bobs}).status_code == 200
    assert laptop.get("/accounts/settings/").status_code == 200  # the browser that changed it stays in
    assert other_browser.get("/accounts/settings/").status_code == 302


def test_changing_the_password_in_the_admin_revokes_every_refresh_token(admin_client, alice, password):
    phone = refresh_token(alice.email, password)

    response = admin_client.post(
        f"/admin/accounts/user/{alice.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert APIClient().post(REFRESH, {"refresh": phone}).status_code == 401


def test_api_logout_everywhere_also_ends_browser_sessions(alice, bob, password):
    phone = refresh_token(alice.email, password)
    alices_browser, bobs_browser = browser(alice.email, password), browser(bob.email, password)

    assert APIClient().post(LOGOUT, {"refresh": phone, "everywhere": True}).status_code == 204

    assert alices_browser.get("/accounts/settings/").status_code == 302
    assert bobs_browser.get("/accounts/settings/").status_code == 200


def test_sign_out_everywhere_from_the_settings_page(alice, password):
    phone = refresh_token(alice.email, password)
    laptop, other_browser = browser(alice.email, password), browser(alice.email, password)

    response = laptop.post("/accounts/settings/sign-out-everywhere/")

    assert response.status_code == 302
    assert laptop.get("/accounts/settings/").status_code == 302
    assert other_browser.get("/accounts/settings/").status_code == 302
    assert APIClient().post(REFRESH, {"refresh": phone}).status_code == 401
    assert browser(alice.email, password).get("/accounts/settings/").status_code == 200  # signing in again works


def test_sign_out_everywhere_needs_a_post(alice, password):
    laptop = browser(alice.email, password)

    assert laptop.get("/accounts/settings/sign-out-everywhere/").status_code == 405
    assert laptop.get("/accounts/settings/").status_code == 200
