from django.urls import path

from memos import views

app_name = "memos"

urlpatterns = [
    path("files/<str:token>/", views.signed_file, name="signed-file"),
]
