from django.urls import path

from chats import views

app_name = "chats"

urlpatterns = [
    path("", views.chat_list, name="list"),
    path("new/", views.chat_new, name="new"),
    path("folders/new/", views.folder_new, name="folder-new"),
    path("<int:pk>/", views.chat_detail, name="detail"),
    path("<int:pk>/send/", views.chat_send, name="send"),
    path("<int:pk>/regenerate/", views.chat_regenerate, name="regenerate"),
    path("<int:pk>/settings/", views.chat_settings, name="settings"),
    path("<int:pk>/delete/", views.chat_delete, name="delete"),
    path("<int:pk>/files/<uuid:file_pk>/", views.chat_file, name="file"),
    path("<int:pk>/archive/", views.chat_archive, name="archive"),
    path("<int:pk>/share/", views.chat_share, name="share"),
    path("<int:pk>/shares/<int:share_pk>/revoke/", views.share_revoke, name="share-revoke"),
    path("shared/<str:token>/", views.shared_chat, name="shared"),
    path("<int:pk>/messages/<int:message_pk>/", views.message_fragment, name="message"),
    path("<int:pk>/messages/<int:message_pk>/edit/", views.message_edit, name="message-edit"),
    path("<int:pk>/messages/<int:message_pk>/show/", views.message_show, name="message-show"),
]
