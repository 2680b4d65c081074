"""Forms of the account pages; saving goes through accounts.services."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from functools import cache

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.models import LANGUAGE_CHOICES, ApiKey, User, UserSettings


@cache
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=255,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class RegisterForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email"), max_length=255, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255, required=False)
    password1 = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class ProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=255)
    avatar_url = forms.URLField(label=gettext_lazy("Avatar URL"), max_length=500, required=False)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


class PreferencesForm(forms.Form):
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), choices=UserSettings.Theme.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES, required=False)
    timezone = forms.CharField(
        label=gettext_lazy("Time zone"), max_length=64, widget=forms.TextInput(attrs={"list": "timezones"})
    )
    notifications_enabled = forms.BooleanField(label=gettext_lazy("Notifications"), required=False)

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        if name not in timezone_names():
            raise forms.ValidationError(
                _("“%(name)s” is not a known time zone (try a name like Europe/Paris).") % {"name": name}
            )
        return name


class ThemeForm(forms.Form):
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), choices=UserSettings.Theme.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=255,
        help_text=gettext_lazy("What will use this key, e.g. “Discord bot”."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiKey.Scope.choices, initial=ApiKey.Scope.WRITE)
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("Expires after (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=gettext_lazy("Empty: never, or the site's maximum."),
    )

    def expires_at(self):
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timedelta(days=days) if days else None


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, saved by `user_password_set` so every refresh token is revoked with the old password."""

    def save(self, commit: bool = True) -> User:
        return services.user_password_set(self.user, self.cleaned_data["new_password1"])


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """The admin's form (which may also make the password unusable), saved by `user_password_set`."""

    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        return services.user_password_set(self.user, self.cleaned_data["password1"] if usable else None)
