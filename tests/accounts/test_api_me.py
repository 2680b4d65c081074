import pytest

from accounts.models import UserSettings

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
SETTINGS = "/api/v1/me/settings/"


def test_me_shows_and_updates_the_profile(alice_api, alice):
    assert alice_api.get(ME).json()["name"] == "Alice"

    response = alice_api.patch(ME, {"name": "Alice Liddell", "avatar_url": "https://example.com/alice.png"})

    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.name, alice.avatar_url) == ("Alice Liddell", "https://example.com/alice.png")
    assert alice_api.patch(ME, {"avatar_url": "javascript:alert(1)"}).status_code == 400


def test_me_refuses_an_email_that_belongs_to_someone_else(alice_api, alice, bob):
    response = alice_api.patch(ME, {"email": "BOB@example.com"})

    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_settings_are_read_and_changed(alice_api, alice):
    assert alice_api.get(SETTINGS).json()["theme"] == "system"

    response = alice_api.patch(SETTINGS, {"theme": "dark", "timezone": "Asia/Tokyo", "language": "ja"})

    assert response.status_code == 200
    preferences = UserSettings.objects.get(user=alice)
    assert (preferences.theme, preferences.timezone, preferences.language) == ("dark", "Asia/Tokyo", "ja")


@pytest.mark.parametrize(
    "payload", [{"theme": "neon"}, {"timezone": "Mars/Olympus"}, {"language": "xx"}, {"notifications_enabled": "maybe"}]
)
def test_bad_settings_are_a_400_and_change_nothing(alice_api, alice, payload):
    alice_api.patch(SETTINGS, {"theme": "dark"})

    response = alice_api.patch(SETTINGS, payload)

    assert response.status_code == 400
    assert response.json()["errors"]
    assert UserSettings.objects.get(user=alice).theme == "dark"


def test_each_user_sees_only_their_own_settings(alice_api, bob_api, bob):
    alice_api.patch(SETTINGS, {"theme": "dark"})

    assert bob_api.get(SETTINGS).json()["theme"] == "system"
    assert UserSettings.objects.get(user=bob).theme == "system"


def test_guests_can_read_but_not_write(guest_api, guest):
    assert guest_api.get(SETTINGS).status_code == 200

    response = guest_api.patch(SETTINGS, {"theme": "dark"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Guest accounts are read-only."
    assert guest_api.patch(ME, {"name": "Intruder"}).status_code == 403
    assert UserSettings.objects.get(user=guest).theme == "system"
