from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register(
    "qualification-equipment", views.EquipmentViewSet, basename="qualification-equipment"
)
router.register("qualification-licences", views.LicenceViewSet, basename="qualification-licence")
router.register(
    "qualification-checks",
    views.QualificationCheckRecordViewSet,
    basename="qualification-check",
)
urlpatterns = router.urls
