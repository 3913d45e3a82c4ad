from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("evidence-files", views.EvidenceFileViewSet, basename="evidence-file")

urlpatterns = router.urls
