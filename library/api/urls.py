from rest_framework.routers import SimpleRouter

from library.api import listening, views

router = SimpleRouter()
router.register("library/works", views.WorkViewSet, basename="library-work")
router.register("library/circles", views.CircleViewSet, basename="library-circle")
router.register("library/tags", views.TagViewSet, basename="library-tag")
router.register("library/voice-actors", views.VoiceActorViewSet, basename="library-va")
router.register("library/tracks", views.TrackViewSet, basename="library-track")
router.register("library/scans", views.ScanViewSet, basename="library-scan")
router.register("library/playlists", listening.PlaylistViewSet, basename="library-playlist")
router.register("library/favourites", listening.FavouriteViewSet, basename="library-favourite")
router.register("library/bookmarks", listening.BookmarkViewSet, basename="library-bookmark")

urlpatterns = router.urls
