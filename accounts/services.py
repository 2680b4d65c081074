"""Every write to accounts goes through here: pages, API, admin, commands and tests call the same functions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import site_settings
from accounts.models import ApiKey, Role, User, UserSettings
from quillium_site.sections import app_hooks

API_KEY_PREFIX = "qk_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
GUEST_READ_ONLY = "Guest accounts are read-only."


class RegistrationClosed(PermissionDenied):
    """Raised when someone registers while the `registration_open` site setting is off."""


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    name: str = "",
    role: str = Role.USER,
    is_superuser: bool = False,
    is_active: bool = True,
) -> User:
    """Create a user with their settings row and role group; `password=None` makes it unusable."""
    email = User.objects.normalize_email(email)
    if not email:
        raise ValidationError({"email": _("An email address is required.")})
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("An account with this email address already exists.")})
    user = User(email=email, name=name.strip(), is_superuser=is_superuser, is_active=is_active)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent sign-up with the same address
        raise ValidationError({"email": _("An account with this email address already exists.")}) from None
    UserSettings.objects.create(user=user)
    user_set_role(user, role)
    return user


def user_register(*, email: str, password: str, name: str = "") -> User:
    """Self-service sign-up: only while registration is open, with Django's password rules."""
    if not site_settings.get("registration_open"):
        raise RegistrationClosed(_("Registration is closed on this server; ask an administrator for an account."))
    candidate = User(email=User.objects.normalize_email(email), name=name)
    validate_password(password, user=candidate)
    return user_create(email=email, password=password, name=name)


@transaction.atomic
def user_set_role(user: User, role: str) -> None:
    """Put the user in exactly one of the admin/user/guest groups; admins are staff."""
    role = Role(role)
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    missing = set(Role.values) - set(groups)
    for name in missing:  # normally made by the data migration; recreated if someone deleted one
        groups[name] = Group.objects.create(name=name)
    user.groups.remove(*[groups[name] for name in Role.values if name != role])
    user.groups.add(groups[role])
    is_staff = role == Role.ADMIN
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff", "updated_at"])
    user.__dict__.pop("is_guest", None)
    user.__dict__.pop("guest_flag", None)


def user_update(
    user: User, *, name: str | None = None, email: str | None = None, avatar_url: str | None = None
) -> User:
    """Change a user's profile; the email stays unique."""
    fields = []
    if avatar_url is not None:
        user.avatar_url = avatar_url.strip()
        fields.append("avatar_url")
    if name is not None:
        user.name = name.strip()
        fields.append("name")
    if email is not None:
        email = User.objects.normalize_email(email)
        if User.objects.filter(email=email).exclude(pk=user.pk).exists():
            raise ValidationError({"email": _("An account with this email address already exists.")})
        user.email = email
        fields.append("email")
    if fields:
        user.full_clean(exclude=["password"], validate_unique=False)
        user.save(update_fields=[*fields, "updated_at"])
    return user


def user_settings_for(user: User) -> UserSettings:
    """The user's settings row, cached on the user object for the rest of the request (made on the spot for
    users created outside `user_create`)."""
    try:
        return user.settings
    except UserSettings.DoesNotExist:
        preferences, _created = UserSettings.objects.get_or_create(user=user)
        user.settings = preferences
        return preferences


def user_settings_update(preferences: UserSettings, **changes: Any) -> UserSettings:
    """Change theme, language, notifications or time zone; invalid values raise ValidationError."""
    allowed = {"theme", "language", "notifications_enabled", "timezone"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Not a user setting: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(preferences, field, value)
    preferences.full_clean(exclude=["user"])
    preferences.save(update_fields=[*changes, "updated_at"])
    return preferences


def hash_api_key(raw_key: str) -> str:
    # The key carries 256 random bits, so a fast hash is safe; a slow one would tax every request.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(
    *, user: User, name: str, scope: str = ApiKey.Scope.WRITE, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Create a key; returns it with the plaintext, which is never stored and can't be shown again."""
    if user.is_guest:
        raise PermissionDenied(GUEST_READ_ONLY)
    now = timezone.now()
    max_days = site_settings.get("api_key_max_lifetime_days")
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    if max_days is not None:
        latest = now + timedelta(days=max_days)
        if expires_at is None:
            expires_at = latest
        elif expires_at > latest:
            raise ValidationError(
                {
                    "expires_at": _("API keys may live at most %(max_days)s days on this server.")
                    % {"max_days": max_days}
                }
            )
    prefix = API_KEY_PREFIX + secrets.token_hex(4)
    raw_key = f"{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        user=user,
        name=name.strip() or "API key",
        prefix=prefix,
        key_hash=hash_api_key(raw_key),
        scope=ApiKey.Scope(scope),
        expires_at=expires_at,
    )
    return api_key, raw_key


def api_key_revoke(api_key: ApiKey) -> ApiKey:
    """Revoke a key for good (idempotent; the row stays for the record)."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The usable key matching `raw_key`, with its user, or None; records when it was last used."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    api_key = ApiKey.objects.with_request_user().filter(key_hash=hash_api_key(raw_key)).first()
    now = timezone.now()
    if api_key is None or not api_key.is_usable(now) or not api_key.user.is_active:
        return None
    api_key.user.__dict__["guest_flag"] = api_key.__dict__["user_guest_flag"]  # see ApiKeyQuerySet.with_request_user
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        # At most one write a minute per key, and none when another request just did it.
        ApiKey.objects.filter(pk=api_key.pk).exclude(last_used_at__gt=now - LAST_USED_RESOLUTION).update(
            last_used_at=now
        )
        api_key.last_used_at = now
    return api_key


def refresh_token_revoke(raw_refresh: str, *, everywhere: bool = False) -> None:
    """Blacklist a refresh token (logout); with `everywhere`, sign its user out of every device and browser."""
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import RefreshToken

    try:
        token = RefreshToken(raw_refresh)  # type: ignore[arg-type]  # simplejwt annotates only Token, takes str
    except TokenError as exc:
        raise ValidationError({"refresh": _("This refresh token can't be used: %(exc)s") % {"exc": exc}}) from None
    token.blacklist()
    if everywhere:
        user = User.objects.filter(pk=token["user_id"]).first()
        if user is not None:
            user_sign_out_everywhere(user)


def _refresh_tokens_revoke_all(user: User) -> int:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    outstanding = OutstandingToken.objects.filter(user_id=user.pk, expires_at__gt=timezone.now())
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=row) for row in outstanding], ignore_conflicts=True
    )
    return len(created)


@transaction.atomic
def user_delete(user: User) -> None:
    """Delete a user and everything that is theirs, their refresh tokens too (simplejwt keeps those with a NULL
    user; the Quillium document's refresh_tokens cascade). Their stored files (attachments, chat files) go once the
    deletion is committed: storage knows no transactions."""
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    names = [name for names in app_hooks("stored_files_of", user) for name in names]
    OutstandingToken.objects.filter(user_id=user.pk).delete()  # with their blacklist rows
    user.delete()

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files, robust=True)


def refresh_tokens_flush() -> int:
    """Forget refresh tokens past their expiry (they can't be used anyway), and any left by a user deleted before
    user_delete took them along; returns how many."""
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    gone = OutstandingToken.objects.filter(Q(expires_at__lte=timezone.now()) | Q(user__isnull=True))
    return gone.delete()[1].get(OutstandingToken._meta.label, 0)


@transaction.atomic
def user_sign_out_everywhere(user: User) -> None:
    """End every session of the user: refresh tokens are blacklisted and browser sessions stop matching.

    Access tokens already handed out live on until they expire (ACCESS_TOKEN_LIFETIME, 5 minutes)."""
    _refresh_tokens_revoke_all(user)
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def user_password_set(user: User, password: str | None) -> User:
    """Set a new password (None: unusable) and revoke every refresh token; browser sessions made with the old
    password stop matching (Django's session hash), so the caller re-signs the current one if it should stay."""
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    _refresh_tokens_revoke_all(user)
    return user
