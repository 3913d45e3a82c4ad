from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("projects/<int:project_pk>/", views.project_archive_page, name="project"),
    path("projects/<int:project_pk>/archive/", views.archive, name="archive"),
    path("projects/<int:project_pk>/record/build/", views.bundle_request, name="bundle_request"),
    path(
        "projects/<int:project_pk>/record/progress/", views.bundle_progress, name="bundle_progress"
    ),
    path("projects/<int:project_pk>/record.zip", views.download, name="download"),
]
