from django.urls import path

from . import views

app_name = "acceptance"
urlpatterns = [
    path("projects/<int:project_pk>/", views.project_acceptance, name="project"),
    path("projects/<int:project_pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/audit/", views.audit, name="audit"),
    path("<int:pk>/expert/", views.expert, name="expert"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/form.<str:fmt>", views.form_download, name="form"),
    path(
        "<int:pk>/implementation-report/",
        views.implementation_report,
        name="implementation_report",
    ),
]
