"""The front page greets a first visit with "Welcome" and a return with "Welcome back"."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _sign_in(client, user, password):
    return client.post("/accounts/login/", {"username": user.email, "password": password}, follow=True)


def test_a_new_person_is_welcomed_and_a_returning_one_welcomed_back(client, alice, password):
    first = _sign_in(client, alice, password).content.decode()
    client.post("/accounts/logout/")
    again = _sign_in(client, alice, password).content.decode()

    assert "Welcome, Alice" in first and "Welcome back" not in first
    assert "Welcome back, Alice" in again


def test_someone_who_just_registered_is_welcomed(client):
    response = client.post(
        "/accounts/register/",
        {
            "email": "carol@example.com",
            "name": "Carol",
            "password1": "a long Passphrase 42",
            "password2": "a long Passphrase 42",
        },
        follow=True,
    )

    assert "Welcome, Carol" in response.content.decode()


def test_the_greeting_is_in_the_persons_language(client, alice, password):
    alice.settings.language = "ja"
    alice.settings.save()

    assert "ようこそ、Alice さん" in _sign_in(client, alice, password).content.decode()
