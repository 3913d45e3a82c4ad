from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("review-results", views.ReviewResultViewSet, basename="review-result")
router.register("expert-assignments", views.ExpertAssignmentViewSet, basename="expert-assignment")
urlpatterns = router.urls
