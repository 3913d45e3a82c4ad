from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("calls", views.AnnualCallViewSet, basename="call")
urlpatterns = router.urls
