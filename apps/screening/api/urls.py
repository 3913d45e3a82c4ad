from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("screening-results", views.PreliminaryReviewViewSet, basename="screening-result")
urlpatterns = router.urls
