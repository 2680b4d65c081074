"""Accounts: people, their preferences, their API keys, and site-wide settings."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.querysets import ApiKeyQuerySet, UserManager

if TYPE_CHECKING:
    from datetime import datetime


class Role(models.TextChoices):
    """The three groups of the kikoeru user table; `guest` is read-only everywhere."""

    ADMIN = "admin", gettext_lazy("Admin")
    USER = "user", gettext_lazy("User")
    GUEST = "guest", gettext_lazy("Guest")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address (Quillium `users` + kikoeru `t_user`)."""

    # Stored lower-cased (see UserManager.normalize_email), so `unique` is case-insensitive in effect.
    email = models.EmailField(gettext_lazy("email address"), max_length=255, unique=True)
    name = models.CharField(max_length=255, verbose_name=gettext_lazy("name"))
    avatar_url = models.URLField(
        gettext_lazy("avatar URL"), max_length=500, blank=True, help_text=gettext_lazy("Picture shown beside the name.")
    )
    is_staff = models.BooleanField(
        gettext_lazy("staff"),
        default=False,
        help_text=gettext_lazy("Can sign in to the admin site (the seed's is_admin)."),
    )
    is_active = models.BooleanField(
        default=True,
        help_text=gettext_lazy("Unset instead of deleting an account."),
        verbose_name=gettext_lazy("active"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))
    session_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=gettext_lazy("Raised by “sign out everywhere”: ends every browser session."),
        verbose_name=gettext_lazy("session generation"),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = gettext_lazy("user")
        verbose_name_plural = gettext_lazy("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email.split("@")[0]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Sessions carry this hash; folding the generation in lets "sign out everywhere" end them all
        # without a password change (generation 0 keeps the hashes of sessions made before it existed).
        hashed = super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]  # private, so not in the stubs
        if not self.session_generation:
            return hashed
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "accounts.User.session_generation", f"{hashed}:{self.session_generation}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @cached_property
    def is_guest(self) -> bool:
        """Guests may read but never write (known without a query when loaded by `objects.for_request()`)."""
        if "guest_flag" in self.__dict__:  # annotated by the query (see `objects.for_request()`)
            return bool(self.__dict__["guest_flag"])
        return self.groups.filter(name=Role.GUEST).exists()


def validate_timezone(value: str) -> None:
    """A name from the IANA time zone database, e.g. `Europe/Paris`."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (try a name like Europe/Paris).") % {"value": value}
        )


LANGUAGE_CHOICES = [("", gettext_lazy("The browser's language")), *settings.LANGUAGES]


class UserSettings(models.Model):
    """One row per user: how the site looks and behaves for them (Quillium `user_settings`)."""

    class Theme(models.TextChoices):
        SYSTEM = "system", gettext_lazy("Follow the system")
        LIGHT = "light", gettext_lazy("Light")
        DARK = "dark", gettext_lazy("Dark")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="settings",
        verbose_name=gettext_lazy("user"),
    )
    theme = models.CharField(
        max_length=10, choices=Theme.choices, default=Theme.SYSTEM, verbose_name=gettext_lazy("theme")
    )
    # Blank: the browser's language (Accept-Language or the switcher's cookie), so a new person reads the site in the
    # language they already use until they pick one.
    language = models.CharField(
        max_length=10, choices=LANGUAGE_CHOICES, default="", blank=True, verbose_name=gettext_lazy("language")
    )
    notifications_enabled = models.BooleanField(default=True, verbose_name=gettext_lazy("notifications enabled"))
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_timezone], verbose_name=gettext_lazy("timezone")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("user settings")
        verbose_name_plural = gettext_lazy("user settings")

    def __str__(self) -> str:
        return f"Settings of {self.user_id}"


class ApiKey(models.Model):
    """A key for programs (`Authorization: Api-Key …`); only its SHA-256 and a short prefix are stored."""

    class Scope(models.TextChoices):
        READ = "read", gettext_lazy("Read only")
        WRITE = "write", gettext_lazy("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=gettext_lazy("user")
    )
    name = models.CharField(max_length=255, verbose_name=gettext_lazy("name"))
    prefix = models.CharField(
        max_length=16,
        db_index=True,
        help_text=gettext_lazy("Shown to recognise the key."),
        verbose_name=gettext_lazy("prefix"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False, verbose_name=gettext_lazy("key hash"))
    scope = models.CharField(
        max_length=5, choices=Scope.choices, default=Scope.WRITE, verbose_name=gettext_lazy("scope")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("last used at"))
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("revoked at"))

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = gettext_lazy("API keys")
        ordering = ["-created_at"]
        verbose_name = gettext_lazy("API key")
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_apikey_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def is_usable(self, at: datetime | None = None) -> bool:
        """Not revoked and not expired."""
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def status_label(self) -> str:
        return str({"revoked": _("revoked"), "expired": _("expired"), "active": _("active")}[self.status])


class SiteSetting(models.Model):
    """A site-wide setting (the seeds' admin_settings and app_settings); read through `accounts.site_settings`."""

    key = models.SlugField(max_length=100, unique=True, verbose_name=gettext_lazy("key"))
    value = models.JSONField(verbose_name=gettext_lazy("value"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("site setting")
        verbose_name_plural = gettext_lazy("site settings")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
