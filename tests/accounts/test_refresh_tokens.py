"""Refresh tokens go with their user, and expired ones are flushed every day."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts.tasks import flush_refresh_tokens

pytestmark = pytest.mark.django_db


def test_deleting_a_user_deletes_their_refresh_tokens(alice, bob):
    RefreshToken.for_user(alice).blacklist()
    RefreshToken.for_user(alice)
    RefreshToken.for_user(bob)

    services.user_delete(alice)

    assert list(OutstandingToken.objects.values_list("user__email", flat=True)) == ["bob@example.com"]
    assert not BlacklistedToken.objects.exists()


def test_the_admin_deletes_users_through_the_service(admin_client, alice):
    RefreshToken.for_user(alice)

    response = admin_client.post(f"/admin/accounts/user/{alice.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not OutstandingToken.objects.filter(user__isnull=True).exists()
    assert not OutstandingToken.objects.exists()


def test_expired_and_orphaned_tokens_are_flushed_daily(alice, bob):
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        RefreshToken.for_user(alice)  # expired 6 days ago
    fresh = RefreshToken.for_user(alice)
    orphan = RefreshToken.for_user(bob)
    bob.delete()  # as before user_delete existed: simplejwt kept the row with a NULL user

    assert flush_refresh_tokens.call() == 2

    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [fresh["jti"]]
    assert orphan["jti"] != fresh["jti"]
