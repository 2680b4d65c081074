from django.urls import path

from bots import views

app_name = "bots"

urlpatterns = [
    path("", views.bot_list, name="list"),
    path("new/", views.bot_create, name="create"),
    path("<uuid:pk>/edit/", views.bot_edit, name="edit"),
    path("<uuid:pk>/delete/", views.bot_delete, name="delete"),
    path("<uuid:pk>/move/<str:direction>/", views.bot_move, name="move"),
    path("memos/<uuid:memo_pk>/ask/", views.reply_ask, name="ask"),
    path("replies/<uuid:pk>/<str:action>/", views.reply_action, name="reply-action"),
    path("diaries/", views.diary_settings, name="diary-settings"),
    path("diaries/<str:day>/write/", views.diary_write, name="diary-write"),
]
