"""Top-level URLs: pages, admin, health, and the versioned API."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularAPIView

from quillium_site import offline, views
from quillium_site.metrics import metrics_view

# The admin's titles are the product's, in the reader's language (Django's say "Django site admin").
admin.site.site_header = admin.site.site_title = gettext_lazy("Quillium administration")
admin.site.index_title = gettext_lazy("Site administration")

handler404 = "quillium_site.views.page_not_found"
handler500 = "quillium_site.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("offline/", offline.offline_page, name="offline"),
    path("jsi18n/<str:language>/", views.javascript_catalog, name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("chats/", include("chats.urls")),
    path("memos/", include("memos.urls")),
    path("gamestats/", include("gamestats.urls")),
    path("bots/", include("bots.urls")),
    path("library/", include("library.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("quillium_site.api.urls", "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
    re_path(r"^api/", views.api_not_found),  # JSON 404 for unknown API paths, even with DEBUG on
]
