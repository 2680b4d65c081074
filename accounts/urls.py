from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/profile/", views.profile_update, name="profile"),
    path("settings/preferences/", views.preferences_update, name="preferences"),
    path("settings/theme/", views.theme_update, name="theme"),
    path("language/", views.language_update, name="language"),
    path("settings/password/", views.password_change, name="password"),
    path("settings/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("settings/api-keys/", views.api_key_create, name="api-key-create"),
    path("settings/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]
