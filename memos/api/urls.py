from django.urls import path
from rest_framework.routers import SimpleRouter

from memos.api import sync_views, views

router = SimpleRouter()
router.register("memos", views.MemoViewSet, basename="memo")
router.register(r"memos/(?P<memo_pk>[0-9a-f-]{36})/revisions", views.RevisionViewSet, basename="memo-revision")
router.register("diaries", views.DiaryViewSet, basename="diary")
router.register("resources", views.ResourceViewSet, basename="resource")

urlpatterns = [
    path("tags/", views.TagsView.as_view(), name="tags"),
    path("explore/", views.ExploreView.as_view(), name="explore"),
    path("memo-settings/", views.MemoSettingsView.as_view(), name="memo-settings"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("sync/", sync_views.SyncView.as_view(), name="sync"),
    *router.urls,
]
