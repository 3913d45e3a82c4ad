from django.urls import path

from . import views

app_name = "procurement"
urlpatterns = [
    path("", views.procurement_list, name="list"),
    path("new/", views.procurement_create, name="create"),
    path("lots/new/", views.lot_create, name="lot_create"),
    path("ocds/", views.ocds_download, name="ocds"),
    path("projects/<int:project_pk>/traceability/", views.traceability, name="traceability"),
    path("<int:pk>/", views.procurement_detail, name="detail"),
    path("<int:pk>/requirements/", views.requirement_add, name="requirement_add"),
    path(
        "<int:pk>/requirements/<int:item_pk>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path("<int:pk>/details/", views.detail_add, name="detail_add"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/file/", views.file_procurement, name="file"),
    path("<int:pk>/award/", views.award, name="award"),
    path("<int:pk>/plans/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/plans/<int:plan_pk>/review/", views.plan_review, name="plan_review"),
]
