from rest_framework.routers import SimpleRouter

from library.api import views

router = SimpleRouter()
router.register("library/works", views.WorkViewSet, basename="library-work")

urlpatterns = router.urls
