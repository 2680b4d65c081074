from django.urls import path
from rest_framework.routers import SimpleRouter

from bots.api import views

router = SimpleRouter()
router.register("bots", views.BotViewSet, basename="bot")
router.register("bot-replies", views.ReplyViewSet, basename="bot-reply")
router.register("ai-diaries/jobs", views.DiaryJobViewSet, basename="ai-diary-job")

urlpatterns = [
    path("memos/<uuid:memo_pk>/bot-replies/", views.MemoRepliesView.as_view(), name="memo-bot-replies"),
    path("ai-diaries/settings/", views.DiaryPreferenceView.as_view(), name="ai-diary-settings"),
    path("ai-diaries/<str:day>/generate/", views.DiaryGenerateView.as_view(), name="ai-diary-generate"),
    *router.urls,
]
