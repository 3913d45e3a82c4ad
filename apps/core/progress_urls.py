from django.urls import path

from . import progress_views

app_name = "progress"
urlpatterns = [
    path("batch/<int:pk>/", progress_views.batch_progress, name="batch"),
    path("task/<uuid:task_id>/", progress_views.task_progress, name="task"),
]
