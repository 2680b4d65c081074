from django.urls import path
from rest_framework.routers import SimpleRouter

from ai.api import views

router = SimpleRouter()
router.register("ai/configs", views.AIConfigViewSet, basename="ai-config")

urlpatterns = [
    path("models/", views.ModelsView.as_view(), name="models"),
    path("ai/providers/", views.ProvidersView.as_view(), name="ai-providers"),
    path("me/usage/", views.UsageView.as_view(), name="me-usage"),
    *router.urls,
]
