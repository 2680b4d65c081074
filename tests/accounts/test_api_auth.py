import pytest
from rest_framework.test import APIClient

from accounts import site_settings
from accounts.models import User

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
REGISTER = "/api/v1/auth/register/"
ME = "/api/v1/me/"


def tokens(api: APIClient, email: str, password: str) -> dict:
    response = api.post(TOKEN, {"email": email, "password": password})
    assert response.status_code == 200, response.json()
    return response.json()


def me_with(access: str) -> int:
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {access}").status_code


def test_token_gives_access_to_the_api(api, alice, password):
    pair = tokens(api, "Alice@Example.com", password)

    response = APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.com"


def test_wrong_password_is_a_401_with_a_message(api, alice):
    response = api.post(TOKEN, {"email": "alice@example.com", "password": "wrong"})

    assert response.status_code == 401
    assert response.json()["detail"]


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api, alice, password):
    pair = tokens(api, alice.email, password)

    rotated = api.post(REFRESH, {"refresh": pair["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != pair["refresh"]
    assert me_with(rotated.json()["access"]) == 200

    replay = api.post(REFRESH, {"refresh": pair["refresh"]})
    assert replay.status_code == 401
    assert "blacklisted" in replay.json()["detail"].lower()


def test_logout_revokes_the_refresh_token(api, alice, password):
    pair = tokens(api, alice.email, password)

    assert api.post(LOGOUT, {"refresh": pair["refresh"]}).status_code == 204

    assert api.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401


def test_logout_everywhere_revokes_every_session_of_the_user(api, alice, bob, password):
    laptop = tokens(api, alice.email, password)
    phone = tokens(api, alice.email, password)
    bobs = tokens(api, bob.email, password)

    assert api.post(LOGOUT, {"refresh": laptop["refresh"], "everywhere": True}).status_code == 204

    assert api.post(REFRESH, {"refresh": phone["refresh"]}).status_code == 401
    assert api.post(REFRESH, {"refresh": bobs["refresh"]}).status_code == 200


def test_logout_with_garbage_is_a_400(api):
    response = api.post(LOGOUT, {"refresh": "garbage"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("refresh:")


def test_login_attempts_are_throttled(api, alice):
    statuses = [api.post(TOKEN, {"email": alice.email, "password": "wrong"}).status_code for _ in range(11)]

    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def test_register_creates_an_account_that_can_sign_in(api):
    response = api.post(REGISTER, {"email": "New@Example.com", "name": "New", "password": "a long passphrase here"})

    assert response.status_code == 201
    assert response.json()["email"] == "new@example.com"
    assert response.json()["role"] == "user"
    assert "password" not in response.json()
    tokens(api, "new@example.com", "a long passphrase here")


def test_register_is_closed_when_the_setting_says_so(api):
    site_settings.set_value("registration_open", False)

    response = api.post(REGISTER, {"email": "new@example.com", "password": "a long passphrase here"})

    assert response.status_code == 403
    assert "closed" in response.json()["detail"]
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": "a long passphrase here"}, "email"),
        ({"email": "alice@example.com", "password": "a long passphrase here"}, "email"),
        ({"email": "new@example.com", "password": "1234"}, "password"),
        ({"email": "new@example.com"}, "password"),
    ],
)
def test_register_rejects_bad_input_with_a_400_naming_the_field(api, alice, payload, field):
    response = api.post(REGISTER, payload)

    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] or field in body["detail"]
    assert User.objects.count() == 1


def test_anonymous_requests_are_401_with_json(api):
    response = api.get(ME)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_access_token_is_a_401_with_a_plain_message(api):
    response = api.get(ME, HTTP_AUTHORIZATION="Bearer not.a.token")

    assert response.status_code == 401
    assert response.json() == {"detail": "Given token not valid for any token type", "code": "token_not_valid"}
