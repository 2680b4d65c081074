from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("tracks/<int:pk>/stream/", views.track_stream, name="track-stream"),
    path("stream/<str:token>/", views.track_signed, name="track-signed"),
]
