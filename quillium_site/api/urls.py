"""`/api/v1/`: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("ai.api.urls")),
    path("", include("chats.api.urls")),
    path("", include("memos.api.urls")),
    path("", include("gamestats.api.urls")),
    path("", include("bots.api.urls")),
    path("", include("library.api.urls")),
]
