from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("online/learning-records", views.LearningRecordViewSet, basename="learning-record")
urlpatterns = [
    path(
        "online/learning-records/batch/",
        views.LearningRecordBatchView.as_view(),
        name="online-learning-batch",
    ),
    path(
        "online/face-captures/batch/",
        views.FaceCaptureBatchView.as_view(),
        name="online-capture-batch",
    ),
    path(
        "online/exam-results/batch/",
        views.ExamResultBatchView.as_view(),
        name="online-exam-batch",
    ),
    *router.urls,
]
