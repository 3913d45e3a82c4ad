from django.urls import path

from . import views

app_name = "implementation"
urlpatterns = [
    path("projects/<int:project_pk>/", views.project_overview, name="project"),
    path("projects/<int:project_pk>/cameras/new/", views.camera_create, name="camera_create"),
    path("cameras/<int:pk>/test/", views.camera_test, name="camera_test"),
    path("projects/<int:project_pk>/platform/", views.platform_name, name="platform"),
    path("projects/<int:project_pk>/supervision/", views.supervision_edit, name="supervision"),
    path("projects/<int:project_pk>/prestart/", views.package_detail, name="package"),
    path(
        "projects/<int:project_pk>/prestart/files/new/",
        views.package_file_add,
        name="package_file_add",
    ),
    path(
        "projects/<int:project_pk>/prestart/training-lines/new/",
        views.training_line_add,
        name="training_line_add",
    ),
    path(
        "projects/<int:project_pk>/prestart/promotion-lines/new/",
        views.promotion_line_add,
        name="promotion_line_add",
    ),
    path("projects/<int:project_pk>/prestart/staff/new/", views.staff_add, name="staff_add"),
    path("prestart/<int:pk>/decide/", views.package_decide, name="package_decide"),
    path("projects/<int:project_pk>/promotion/", views.promotion_list, name="promotion"),
    path(
        "projects/<int:project_pk>/promotion/new/",
        views.promotion_record_add,
        name="promotion_record_add",
    ),
    path("promotion/<int:pk>/", views.promotion_record_detail, name="promotion_record"),
    path("projects/<int:project_pk>/reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("projects/<int:project_pk>/funds/", views.funds, name="funds"),
    path("projects/<int:project_pk>/funds/new/", views.funds_entry_add, name="funds_add"),
]
