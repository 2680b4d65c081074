import pytest

from accounts import site_settings
from accounts.models import ApiKey, SiteSetting, User, UserSettings
from tests.accounts.factories import api_key_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/?q=alice",
        "/admin/accounts/apikey/",
        "/admin/accounts/apikey/?status=active",
        "/admin/accounts/sitesetting/",
        "/admin/accounts/usersettings/?theme=dark",
        "/admin/accounts/user/add/",
    ],
)
def test_admin_pages_render(admin_client, alice, url):
    api_key_for(alice)

    assert admin_client.get(url).status_code == 200


def test_admin_user_page_shows_the_key_prefix_but_never_the_hash(admin_client, alice):
    api_key, raw_key = api_key_for(alice)

    content = admin_client.get(f"/admin/accounts/apikey/{api_key.pk}/change/").content

    assert api_key.prefix.encode() in content
    assert api_key.key_hash.encode() not in content
    assert raw_key.encode() not in content


def test_admin_creates_users_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Dora@Example.com",
            "name": "Dora",
            "role": "guest",
            "password1": "a long passphrase",
            "password2": "a long passphrase",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    dora = User.objects.get(email="dora@example.com")
    assert UserSettings.objects.filter(user=dora).exists()
    assert dora.is_guest
    assert dora.check_password("a long passphrase")


def test_admin_revokes_keys(admin_client, alice):
    api_key, _ = api_key_for(alice)

    admin_client.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [api_key.pk]})

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_admin_validates_site_settings(admin_client):
    bad = admin_client.post("/admin/accounts/sitesetting/add/", {"key": "registration_open", "value": '"maybe"'})
    good = admin_client.post("/admin/accounts/sitesetting/add/", {"key": "registration_open", "value": "false"})

    assert bad.status_code == 200
    assert "must be a bool" in str(bad.context["adminform"].form.errors)
    assert good.status_code == 302
    assert SiteSetting.objects.get(key="registration_open").value is False
    assert site_settings.get("registration_open") is False


def test_role_actions_change_groups_and_staff(admin_client, alice):
    admin_client.post("/admin/accounts/user/", {"action": "make_admin", "_selected_action": [alice.pk]})

    alice.refresh_from_db()
    assert alice.is_staff
    assert not ApiKey.objects.exists()
