from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/template/", views.template, name="template"),
    path("<slug:kind>/upload/", views.upload, name="upload"),
    path("batches/<int:pk>/", views.preview, name="preview"),
    path("batches/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("batches/<int:pk>/discard/", views.discard, name="discard"),
]
