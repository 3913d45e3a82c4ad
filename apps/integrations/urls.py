from rest_framework.routers import SimpleRouter

from .api import views

router = SimpleRouter()
router.register("training-classes", views.TrainingClassBatchViewSet, basename="training-class")
urlpatterns = router.urls
