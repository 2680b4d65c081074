from django.urls import path

from memos import feeds, views

app_name = "memos"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("new/", views.memo_new, name="new"),
    path("archive/", views.archive, name="archive"),
    path("trash/", views.trash, name="trash"),
    path("search/", views.search_page, name="search"),
    path("diary/", views.diary_month, name="diary"),
    path("diary/<str:day>/", views.diary_day, name="diary-day"),
    path("files/<str:token>/", views.signed_file, name="signed-file"),
    path("export/", views.export_download, name="export"),
    path("import/", views.import_upload, name="import"),
    path("devices/forget/", views.device_forget, name="device-forget"),
    path("summaries/", views.summary_settings, name="summary-settings"),
    path("explore/", views.explore, name="explore"),
    path("public/<uuid:pk>/", views.public_memo, name="public"),
    path("users/<int:user_pk>/feed/", feeds.PublicMemosFeed(), name="feed"),
    path("<uuid:pk>/", views.memo_detail, name="detail"),
    path("<uuid:pk>/edit/", views.memo_edit, name="edit"),
    path("<uuid:pk>/purge/", views.memo_purge, name="purge"),
    path("<uuid:pk>/tasks/<int:index>/", views.memo_task, name="task"),
    path("<uuid:pk>/link/", views.memo_link, name="link"),
    path("<uuid:pk>/<str:action>/", views.memo_action, name="action"),
    path("<uuid:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("<uuid:pk>/revisions/<int:number>/restore/", views.revision_restore, name="revision-restore"),
    path("<uuid:pk>/files/<uuid:resource_pk>/", views.memo_file, name="file"),
]
