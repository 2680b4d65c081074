"""Account pages: sign in, register, settings and API keys. Thin: forms validate, services write."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import services, site_settings
from accounts.decorators import writer_required
from accounts.forms import (
    ApiKeyForm,
    LanguageForm,
    PasswordChangeForm,
    PreferencesForm,
    ProfileForm,
    RegisterForm,
    SignInForm,
    ThemeForm,
    timezone_names,
)
from accounts.models import ApiKey
from accounts.principals import signed_in
from accounts.throttling import CountingUnavailable, LoginRateThrottle
from quillium_site.navigation import posted_next
from quillium_site.sections import app_sections

# What signing out clears on this device: the offline caches and stores of the person (Cache Storage, IndexedDB,
# the service worker), so the next person on the browser finds none of it. Cookies stay (the language choice).
CLEAR_SITE_DATA = '"cache", "storage"'


def forget_this_device(response: HttpResponse) -> HttpResponse:
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


class SignOutView(auth_views.LogoutView):
    """Django's sign-out, and the person's offline copies on this device gone with it."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return forget_this_device(super().post(request, *args, **kwargs))


class SignInView(auth_views.LoginView):
    """Email + password, throttled like the API's token endpoint."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = LoginRateThrottle()
        try:
            allowed = throttle.allow_request(request, self)  # reads only META and the view
        except CountingUnavailable as paused:
            response = self._refuse(str(paused.detail), status=503)
            response["Retry-After"] = str(paused.wait)
            return response
        if not allowed:
            wait = int(throttle.wait() or 60)
            throttled = ngettext(
                "Too many attempts; try again in %(wait)s second.",
                "Too many attempts; try again in %(wait)s seconds.",
                wait,
            ) % {"wait": wait}
            return self._refuse(throttled, status=429)
        return super().post(request, *args, **kwargs)

    def _refuse(self, message: str, *, status: int) -> HttpResponse:
        form = self.get_form()
        form.is_bound = False
        return self.render_to_response(self.get_context_data(form=form, throttled=message), status=status)

    def form_valid(self, form: Any) -> HttpResponse:
        returning = form.get_user().last_login is not None  # read before login() stamps it
        response = super().form_valid(form)
        self.request.session["returning"] = returning  # "Welcome back" only for someone who has been here before
        return response


def register(request: HttpRequest) -> HttpResponse:
    """Create an account (while the `registration_open` site setting allows it) and sign in."""
    if not site_settings.get("registration_open"):
        return render(request, "accounts/register.html", {"closed": True}, status=403)
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None if hasattr(exc, "error_dict") else "password1", exc)
        else:
            login(request, user)
            messages.success(request, _("Welcome to Quillium."))
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


def _settings_page(request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    user = signed_in(request)
    preferences = services.user_settings_for(user)
    context = {
        "profile_form": forms.get("profile_form")
        or ProfileForm(initial={"name": user.name, "email": user.email, "avatar_url": user.avatar_url}),
        "preferences_form": forms.get("preferences_form")
        or PreferencesForm(
            initial={
                "theme": preferences.theme,
                "language": preferences.language,
                "timezone": preferences.timezone,
                "notifications_enabled": preferences.notifications_enabled,
            }
        ),
        "api_key_form": forms.get("api_key_form") or ApiKeyForm(),
        "api_keys": ApiKey.objects.visible_to(user),
        "new_key": forms.get("new_key"),
        "timezones": timezone_names(),
        "is_guest": user.is_guest,
        "max_key_days": site_settings.get("api_key_max_lifetime_days"),
        "sections": app_sections("settings_section", request),
    }
    return render(request, "accounts/settings.html", context, status=status)


@writer_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Profile, preferences, password and API keys on one page."""
    return _settings_page(request)


@writer_required
@require_POST
def profile_update(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.user_update(signed_in(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("accounts:settings")
    return _settings_page(request, status=400, profile_form=form)


@writer_required
@require_POST
def preferences_update(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    if form.is_valid():
        services.user_settings_update(services.user_settings_for(signed_in(request)), **form.cleaned_data)
        messages.success(request, _("Preferences saved."))
        return redirect("accounts:settings")
    return _settings_page(request, status=400, preferences_form=form)


@writer_required
@require_POST
def theme_update(request: HttpRequest) -> HttpResponse:
    """The theme switch in the header: change the theme and go back where the user was."""
    form = ThemeForm(request.POST)
    if form.is_valid():
        services.user_settings_update(services.user_settings_for(signed_in(request)), theme=form.cleaned_data["theme"])
    return redirect(posted_next(request, reverse("home")))


@require_POST
def language_update(request: HttpRequest) -> HttpResponse:
    """The language switcher on every page: anyone may use it (a cookie); a signed-in person's setting changes too,
    so their choice follows them to other devices. Guests' choice stays in their browser."""
    form = LanguageForm(request.POST)
    response = redirect(posted_next(request, reverse("home")))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated and not signed_in(request).is_guest:
            services.user_settings_update(services.user_settings_for(signed_in(request)), language=language)
        response.set_cookie(
            django_settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=django_settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@writer_required
@require_POST
def api_key_create(request: HttpRequest) -> HttpResponse:
    """Create a key and show it in this response only (never stored, never put in the session)."""
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            api_key, raw_key = services.api_key_create(
                user=signed_in(request),
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as exc:
            form.add_error("expires_in_days", exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            response = _settings_page(request, status=201, new_key={"key": raw_key, "name": api_key.name})
            response["Cache-Control"] = "no-store"
            return response
    return _settings_page(request, status=400, api_key_form=form)


@writer_required
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    api_key = get_object_or_404(ApiKey.objects.visible_to(signed_in(request)), pk=pk)
    if request.method == "POST":
        services.api_key_revoke(api_key)
        messages.success(request, _("API key “%(name)s” revoked.") % {"name": api_key.name})
        return redirect("accounts:settings")
    return render(request, "accounts/api_key_revoke.html", {"api_key": api_key})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this browser signed in and signs out every other device and API client."""

    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Password changed."))
        return super().form_valid(form)


password_change = writer_required(PasswordChangeView.as_view())  # type: ignore[arg-type]  # as_view: HttpResponseBase


@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user: this browser, the others, and every API refresh token."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    services.user_sign_out_everywhere(request.user)
    logout(request)
    messages.success(request, _("You were signed out everywhere."))
    return forget_this_device(redirect("accounts:login"))
