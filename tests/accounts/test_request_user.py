"""The signed-in user as every request loads it (`User.objects.get_for_request`, SQL compiled once)."""

from __future__ import annotations

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User, UserSettings
from ai.models import UserTokenLimit
from ai.services import user_token_limit_set

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_the_user_comes_with_its_one_to_one_rows_as_select_related_leaves_them(alice, django_assert_num_queries):
    user_token_limit_set(alice, 5000)
    expected = User.objects.for_request().get(pk=alice.pk)

    with django_assert_num_queries(1):
        user = User.objects.get_for_request(alice.pk)
    with django_assert_num_queries(0):
        assert (user.email, user.name, user.password, user.is_active) == (
            expected.email,
            expected.name,
            expected.password,
            expected.is_active,
        )
        assert user.settings.pk == expected.settings.pk and user.settings.user is user
        assert user.token_limit.daily_tokens == 5000
        assert user.is_guest is False
    assert not user._state.adding


def test_a_missing_one_to_one_row_raises_without_a_query(alice, django_assert_num_queries):
    UserSettings.objects.filter(user=alice).delete()
    user = User.objects.get_for_request(alice.pk)

    with django_assert_num_queries(0):
        with pytest.raises(UserSettings.DoesNotExist):
            user.settings  # noqa: B018
        with pytest.raises(UserTokenLimit.DoesNotExist):
            user.token_limit  # noqa: B018


def test_a_guest_is_known_without_a_query(guest, django_assert_num_queries):
    user = User.objects.get_for_request(guest.pk)

    with django_assert_num_queries(0):
        assert user.is_guest is True


@pytest.mark.parametrize("pk", [0, -1, 2**63, 2**70])
def test_an_unknown_id_is_none(alice, pk):
    assert User.objects.get_for_request(pk) is None


@pytest.mark.parametrize("claim", ["abc", 2**70, None, 1.5e300, float("inf")])
def test_a_signed_token_naming_no_user_is_a_401(api, alice, claim):
    token = AccessToken.for_user(alice)
    token["user_id"] = claim

    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
