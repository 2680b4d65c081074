from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts import services, site_settings
from accounts.models import ApiKey, Role, User, UserSettings
from tests.accounts.factories import api_key_for

pytestmark = pytest.mark.django_db


def test_it_creates_settings_and_role_with_every_user():
    user = services.user_create(email="  Carol@Example.COM ", password="x", name="Carol")

    assert user.email == "carol@example.com"
    assert UserSettings.objects.get(user=user).theme == UserSettings.Theme.SYSTEM
    assert list(user.groups.values_list("name", flat=True)) == [Role.USER]
    assert not user.is_staff


def test_it_refuses_a_second_account_with_the_same_email_in_any_case(alice):
    with pytest.raises(ValidationError) as error:
        services.user_create(email="ALICE@example.com", password="x")

    assert "already exists" in str(error.value)
    assert User.objects.filter(email="alice@example.com").count() == 1


def test_admin_role_makes_staff_and_guest_role_is_read_only(alice):
    services.user_set_role(alice, Role.ADMIN)
    alice.refresh_from_db()
    assert alice.is_staff
    assert list(alice.groups.values_list("name", flat=True)) == [Role.ADMIN]

    services.user_set_role(alice, Role.GUEST)
    alice.refresh_from_db()
    assert not alice.is_staff
    assert alice.is_guest


def test_register_is_refused_while_registration_is_closed():
    site_settings.set_value("registration_open", False)

    with pytest.raises(services.RegistrationClosed):
        services.user_register(email="new@example.com", password="a long enough passphrase")
    assert not User.objects.filter(email="new@example.com").exists()


def test_register_applies_the_password_rules():
    with pytest.raises(ValidationError):
        services.user_register(email="new@example.com", password="123")
    assert not User.objects.filter(email="new@example.com").exists()


def test_settings_update_rejects_an_unknown_time_zone_and_keeps_the_old_one(alice):
    preferences = services.user_settings_for(alice)

    with pytest.raises(ValidationError):
        services.user_settings_update(preferences, timezone="Mars/Olympus")

    assert UserSettings.objects.get(user=alice).timezone == "UTC"


def test_api_key_is_stored_only_as_a_hash(alice):
    api_key, raw_key = api_key_for(alice)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey WHERE id = %s", [api_key.pk])
        row = cursor.fetchone()
    assert raw_key.startswith(api_key.prefix)
    assert all(raw_key not in str(value) for value in row)
    assert api_key.key_hash == services.hash_api_key(raw_key)


def test_api_key_lifetime_is_capped_by_the_site_setting(alice):
    site_settings.set_value("api_key_max_lifetime_days", 30)

    api_key, _ = api_key_for(alice)
    assert timedelta(days=29) < api_key.expires_at - timezone.now() <= timedelta(days=30)

    with pytest.raises(ValidationError):
        api_key_for(alice, expires_at=timezone.now() + timedelta(days=31))


def test_guests_cannot_create_api_keys(guest):
    with pytest.raises(PermissionDenied):
        api_key_for(guest, scope=ApiKey.Scope.READ)


def test_authenticate_refuses_revoked_expired_and_unknown_keys(alice):
    revoked, revoked_raw = api_key_for(alice)
    services.api_key_revoke(revoked)
    expired, expired_raw = api_key_for(alice)
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _, good_raw = api_key_for(alice)

    assert services.api_key_authenticate(revoked_raw) is None
    assert services.api_key_authenticate(expired_raw) is None
    assert services.api_key_authenticate(good_raw[:-2] + "xx") is None
    assert services.api_key_authenticate("not even a key") is None
    assert services.api_key_authenticate(good_raw).user == alice


def test_authenticate_records_last_use_at_most_once_a_minute(alice, django_assert_num_queries):
    api_key, raw_key = api_key_for(alice)

    # key lookup with its user, then the last_used_at update
    with django_assert_num_queries(2):
        services.api_key_authenticate(raw_key)
    first_use = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert first_use is not None

    # key lookup only: used less than a minute ago
    with django_assert_num_queries(1):
        services.api_key_authenticate(raw_key)
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at == first_use

    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=first_use - timedelta(minutes=2))
    services.api_key_authenticate(raw_key)
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at > first_use - timedelta(minutes=2)


def test_site_settings_are_typed_and_default_when_missing(django_assert_num_queries):
    assert site_settings.get("registration_open") is True

    with pytest.raises(ValidationError):
        site_settings.set_value("registration_open", "no")
    with pytest.raises(ValidationError):
        site_settings.set_value("api_key_max_lifetime_days", True)
    with pytest.raises(ValidationError):
        site_settings.set_value("api_key_max_lifetime_days", 0)
    with pytest.raises(KeyError):
        site_settings.get("no_such_setting")

    site_settings.set_value("registration_open", False)
    assert site_settings.get("registration_open") is False
    with django_assert_num_queries(0):  # cached
        assert site_settings.get("registration_open") is False
