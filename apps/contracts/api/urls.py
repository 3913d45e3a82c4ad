from rest_framework.routers import SimpleRouter

from . import views

# The paths and route names are those the procurement app registered before the move.
router = SimpleRouter()
router.register("service-agreements", views.ServiceAgreementViewSet, basename="service-agreement")
router.register("payments", views.PaymentViewSet, basename="payment")
urlpatterns = router.urls
