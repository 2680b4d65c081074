from django.urls import path
from rest_framework.routers import SimpleRouter

from chats.api import send, views

router = SimpleRouter()
router.register("chats", views.ChatViewSet, basename="chat")
router.register("chat-folders", views.FolderViewSet, basename="chat-folder")

messages = send.messages_view(views.MessageViewSet.as_view({"get": "list", "post": "create"}))
regenerate = views.MessageViewSet.as_view({"post": "regenerate"})
edit = views.MessageViewSet.as_view({"post": "edit"})
show = views.MessageViewSet.as_view({"post": "show"})

urlpatterns = [
    path("chats/<int:chat_pk>/messages/", messages, name="chat-messages"),
    path("chats/<int:chat_pk>/regenerate/", regenerate, name="chat-regenerate"),
    path("chats/<int:chat_pk>/messages/<int:pk>/edit/", edit, name="chat-message-edit"),
    path("chats/<int:chat_pk>/messages/<int:pk>/show/", show, name="chat-message-show"),
    *router.urls,
]
