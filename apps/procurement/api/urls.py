from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("procurements", views.ProcurementViewSet, basename="procurement")
router.register("service-agreements", views.ServiceAgreementViewSet, basename="service-agreement")
router.register("payments", views.PaymentViewSet, basename="payment")
urlpatterns = router.urls
