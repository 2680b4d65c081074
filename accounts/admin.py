"""Admin for accounts: changes go through accounts.services like everywhere else."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext

from accounts import services, site_settings
from accounts.forms import AdminPasswordChangeForm
from accounts.models import ApiKey, Role, SiteSetting, User, UserSettings
from accounts.querysets import ApiKeyQuerySet


class UserSettingsInline(admin.StackedInline):
    model = UserSettings
    can_delete = False
    fields = ["theme", "language", "timezone", "notifications_enabled", "updated_at"]
    readonly_fields = ["updated_at"]


class UserAddForm(BaseUserCreationForm):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.USER)

    class Meta:
        model = User
        fields = ("email", "name")


def _role_action(role: Role):
    def action(modeladmin: UserAdmin, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_set_role(user, role)
        count = queryset.count()
        message = ngettext(
            "%(count)s user now has the role “%(role)s”.", "%(count)s users now have the role “%(role)s”.", count
        )
        modeladmin.message_user(request, message % {"count": count, "role": role.label}, messages.SUCCESS)

    action.__name__ = f"make_{role.value}"
    return admin.action(
        description=format_lazy(gettext_lazy("Give the selected users the role “{role}”"), role=role.label)
    )(action)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    change_password_form = AdminPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "created_at", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "last_login"]
    inlines = [UserSettingsInline]
    actions = [_role_action(Role.ADMIN), _role_action(Role.USER), _role_action(Role.GUEST)]

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.user_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_delete(user)

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "avatar_url")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")}),)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list:
        return self.inlines if obj else []

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.user_create(
            email=obj.email,
            name=obj.name,
            password=form.cleaned_data.get("password1") or None,
            role=form.cleaned_data["role"],
        )
        obj.pk, obj.password, obj.is_staff = created.pk, created.password, created.is_staff
        obj._state.adding = False


@admin.register(UserSettings)
class UserSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "theme", "language", "timezone", "notifications_enabled", "updated_at"]
    list_filter = ["theme", "language", "notifications_enabled"]
    search_fields = ["user__email", "user__name", "timezone"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # every user gets their settings row when the account is made


class RevokedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Usable"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
        if self.value() == "active":
            return cast(ApiKeyQuerySet, queryset).usable()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created by their owners (the plaintext is shown once, to them); staff can only revoke."""

    list_display = ["name", "prefix", "user", "scope", "status", "created_at", "last_used_at", "expires_at"]
    list_filter = [RevokedFilter, "scope", "created_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ("user", "name", "prefix", "scope", "created_at", "last_used_at", "expires_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Revoke selected API keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            services.api_key_revoke(api_key)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)s key revoked.", "%(count)s keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


class SiteSettingForm(forms.ModelForm):
    key = forms.ChoiceField(label=gettext_lazy("Setting"))

    class Meta:
        model = SiteSetting
        fields = ["key", "value"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["key"]).choices = [(key, key) for key in sorted(site_settings.DEFINITIONS)]
        helps = "; ".join(f"{d.key}: {d.help}" for d in site_settings.DEFINITIONS.values())
        self.fields["value"].help_text = f"JSON. {helps}"

    def clean(self) -> dict:
        data = super().clean() or {}
        key = data.get("key") or self.instance.key
        if key and "value" in data:
            try:
                data["value"] = site_settings.definition(key).clean(data["value"])
            except forms.ValidationError as exc:
                self.add_error("value", exc)
        return data


@admin.register(SiteSetting)
class SiteSettingAdmin(admin.ModelAdmin):
    form = SiteSettingForm
    list_display = ["key", "value", "description", "updated_at"]
    search_fields = ["key"]

    @admin.display(description=gettext_lazy("meaning"))
    def description(self, obj: SiteSetting) -> str:
        spec = site_settings.DEFINITIONS.get(obj.key)
        return spec.help if spec else "(not used by this version)"

    def get_readonly_fields(self, request: HttpRequest, obj: SiteSetting | None = None) -> list[str]:
        return ["key"] if obj else []

    def save_model(self, request: HttpRequest, obj: SiteSetting, form: Any, change: bool) -> None:
        row = site_settings.set_value(obj.key, obj.value)
        obj.pk, obj.value = row.pk, row.value
        obj._state.adding = False

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SiteSetting]) -> None:
        keys = list(queryset.values_list("key", flat=True))
        super().delete_queryset(request, queryset)
        for key in keys:
            site_settings.forget(key)

    def delete_model(self, request: HttpRequest, obj: SiteSetting) -> None:
        super().delete_model(request, obj)
        site_settings.forget(obj.key)
