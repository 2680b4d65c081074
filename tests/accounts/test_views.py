import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts import site_settings
from accounts.models import ApiKey, User, UserSettings
from accounts.services import hash_api_key
from tests.accounts.factories import api_key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client: Client, alice) -> Client:
    client.force_login(alice)
    return client


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/register/"])
def test_public_pages_render_for_anonymous_visitors(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert b'href="/static/quillium/app.css' in response.content


def test_settings_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/accounts/settings/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/", "/accounts/settings/", "/accounts/settings/password/"])
def test_pages_render_for_signed_in_users(alice_client, url):
    response = alice_client.get(url)

    assert response.status_code == 200
    assert b"Sign out" in response.content


def test_sign_in_through_the_page(client, alice, password):
    response = client.post("/accounts/login/", {"username": "alice@example.com", "password": password})

    assert response.status_code == 302
    assert client.get("/").context["user"] == alice


def test_sign_in_with_a_wrong_password_shows_an_error(client, alice):
    response = client.post("/accounts/login/", {"username": "alice@example.com", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_sign_in_attempts_are_throttled(client, alice):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "alice@example.com", "password": "nope"})

    response = client.post("/accounts/login/", {"username": "alice@example.com", "password": "nope"})

    assert response.status_code == 429
    assert b"Too many attempts" in response.content


def test_register_through_the_page_signs_the_new_user_in(client):
    response = client.post(
        "/accounts/register/",
        {"email": "new@example.com", "name": "New", "password1": "a long passphrase", "password2": "a long passphrase"},
    )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert client.get("/").context["user"] == user


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "alice@example.com", "password1": "a long passphrase", "password2": "a long passphrase"}, "email"),
        ({"email": "new@example.com", "password1": "a long passphrase", "password2": "another one"}, "password2"),
        ({"email": "new@example.com", "password1": "123", "password2": "123"}, "password1"),
    ],
)
def test_register_page_shows_errors_and_creates_nothing(client, alice, payload, field):
    response = client.post("/accounts/register/", payload)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.count() == 1


def test_register_page_says_when_registration_is_closed(client):
    site_settings.set_value("registration_open", False)

    response = client.get("/accounts/register/")
    posted = client.post(
        "/accounts/register/",
        {"email": "new@example.com", "password1": "a long passphrase", "password2": "a long passphrase"},
    )

    assert response.status_code == 403
    assert b"Registration is closed" in response.content
    assert posted.status_code == 403
    assert not User.objects.filter(email="new@example.com").exists()


def test_preferences_are_saved_and_applied_to_the_page(alice_client, alice):
    response = alice_client.post(
        "/accounts/settings/preferences/",
        {"theme": "dark", "language": "en", "timezone": "Europe/Paris", "notifications_enabled": ""},
    )

    assert response.status_code == 302
    preferences = UserSettings.objects.get(user=alice)
    assert (preferences.theme, preferences.timezone, preferences.notifications_enabled) == (
        "dark",
        "Europe/Paris",
        False,
    )
    assert b'data-theme="dark"' in alice_client.get("/").content


def test_bad_preferences_show_a_form_error_and_keep_the_old_values(alice_client, alice):
    response = alice_client.post(
        "/accounts/settings/preferences/", {"theme": "dark", "language": "en", "timezone": "Nowhere/Land"}
    )

    assert response.status_code == 400
    assert "timezone" in response.context["preferences_form"].errors
    assert UserSettings.objects.get(user=alice).timezone == "UTC"


def test_profile_update_refuses_a_taken_email(alice_client, alice, bob):
    response = alice_client.post("/accounts/settings/profile/", {"name": "A", "email": "bob@example.com"})

    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_theme_switch_goes_back_to_the_page_but_never_off_site(alice_client, alice):
    back = alice_client.post("/accounts/settings/theme/", {"theme": "dark", "next": "/accounts/settings/"})
    offsite = alice_client.post("/accounts/settings/theme/", {"theme": "light", "next": "https://evil.example/"})

    assert back["Location"] == "/accounts/settings/"
    assert offsite["Location"] == "/"
    assert UserSettings.objects.get(user=alice).theme == "light"


def test_new_api_key_is_shown_once_and_stored_hashed(alice_client, alice):
    response = alice_client.post("/accounts/settings/api-keys/", {"name": "bot", "scope": "read"})

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    raw_key = re.search(rb'id="new-key-value">([^<]+)<', response.content).group(1).decode()
    api_key = ApiKey.objects.get(user=alice)
    assert api_key.key_hash == hash_api_key(raw_key)
    assert raw_key.encode() not in alice_client.get("/accounts/settings/").content


def test_revoking_a_key_asks_first_then_revokes(alice_client, alice):
    api_key, _ = api_key_for(alice)
    url = reverse("accounts:api-key-revoke", args=[api_key.pk])

    confirm = alice_client.get(url)
    api_key.refresh_from_db()
    assert confirm.status_code == 200
    assert api_key.revoked_at is None

    assert alice_client.post(url).status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_another_users_key_cannot_be_revoked(alice_client, bob):
    bobs_key, _ = api_key_for(bob)
    url = reverse("accounts:api-key-revoke", args=[bobs_key.pk])

    assert alice_client.get(url).status_code == 404
    assert alice_client.post(url).status_code == 404
    bobs_key.refresh_from_db()
    assert bobs_key.revoked_at is None


def test_guests_see_settings_but_cannot_change_them(client, guest):
    client.force_login(guest)

    assert client.get("/accounts/settings/").status_code == 200
    response = client.post("/accounts/settings/theme/", {"theme": "dark"})
    assert response.status_code == 403
    assert client.post("/accounts/settings/api-keys/", {"name": "x", "scope": "read"}).status_code == 403
    assert UserSettings.objects.get(user=guest).theme == "system"
    assert not ApiKey.objects.filter(user=guest).exists()


def test_settings_page_takes_the_same_queries_for_2_or_20_keys(alice_client, alice, django_assert_max_num_queries):
    for count in (2, 20):
        ApiKey.objects.all().delete()
        for number in range(count):
            api_key_for(alice, name=f"key {number}")
        # session, user, settings, guest check, keys, personal token limit, today's token usage, revision
        # summaries on or off (+ site settings, cached after the first request)
        with django_assert_max_num_queries(9):
            assert alice_client.get("/accounts/settings/").status_code == 200
