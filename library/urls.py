from django.urls import path

from library import listening_views, views

app_name = "library"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("mine/", views.mine, name="mine"),
    path("scans/", views.scans, name="scans"),
    path("settings/", views.listener_settings, name="settings"),
    path("works/<int:pk>/", views.work_detail, name="work"),
    path("works/<int:pk>/cover/", views.cover, name="cover"),
    path("works/<int:pk>/review/", views.review, name="review"),
    path("works/<int:pk>/favourite/", listening_views.favourite, name="favourite"),
    path("bookmarks/<int:pk>/delete/", listening_views.bookmark_delete, name="bookmark-delete"),
    path("playlists/", listening_views.playlists, name="playlists"),
    path("playlists/add/", listening_views.playlist_add, name="playlist-add"),
    path("playlists/<int:pk>/", listening_views.playlist, name="playlist"),
    path("playlists/<int:pk>/delete/", listening_views.playlist_delete, name="playlist-delete"),
    path("playlists/<int:pk>/items/<int:item_pk>/", listening_views.playlist_item, name="playlist-item"),
    path("tracks/<int:pk>/stream/", views.track_stream, name="track-stream"),
    path("stream/<str:token>/", views.track_signed, name="track-signed"),
]
for kind, (*_, converter) in views.KINDS.items():
    urlpatterns += [
        path(f"{kind}/", views.names, {"kind": kind}, name=f"{kind}"),
        path(f"{kind}/<{converter}:pk>/", views.named, {"kind": kind}, name=f"{kind}-one"),
    ]
