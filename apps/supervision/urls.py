from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.inspection_list, name="inspections"),
    path("projects/<int:project_pk>/", views.project_supervision, name="project"),
    path("projects/<int:project_pk>/plan/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/step/", views.plan_step, name="plan_step"),
    path(
        "projects/<int:project_pk>/inspections/new/",
        views.inspection_create,
        name="inspection_create",
    ),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/confirm/", views.inspection_confirm, name="inspection_confirm"),
    path("inspections/<int:pk>/media/", views.media_upload, name="media_upload"),
    path("inspections/<int:pk>/finding/", views.finding_create, name="finding_create"),
    path("projects/<int:project_pk>/reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/step/", views.report_step, name="report_step"),
]
