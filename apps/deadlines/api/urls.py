from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("deadlines", views.DeadlineViewSet, basename="deadline")
urlpatterns = router.urls
