from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("determinations", views.DeterminationViewSet, basename="determination")
router.register("filed-projects", views.FiledProjectViewSet, basename="filed-project")
router.register("arrangements", views.AnnualArrangementViewSet, basename="arrangement")
router.register("arrangement-entries", views.ArrangementEntryViewSet, basename="arrangement-entry")
router.register("adjustments", views.AdjustmentViewSet, basename="adjustment")
urlpatterns = router.urls
