from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("", views.evidence_list, name="list"),
    path("upload/", views.evidence_upload, name="upload"),
    path("<int:pk>/", views.evidence_detail, name="detail"),
    path("<int:pk>/replace/", views.evidence_replace, name="replace"),
    path("<int:pk>/download/", views.evidence_download, name="download"),
]
