from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("procurements", views.ProcurementViewSet, basename="procurement")
urlpatterns = router.urls
