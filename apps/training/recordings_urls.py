from django.urls import path

from . import recordings_views as views

app_name = "recordings"
urlpatterns = [
    path("sessions/<int:pk>/recordings/", views.recordings_list, name="list"),
    path("sessions/<int:pk>/recordings/upload/", views.upload_page, name="upload"),
    path("sessions/<int:pk>/recordings/tus/", views.tus_create, name="tus_create"),
    path("recordings/tus/<uuid:key>", views.tus_upload, name="tus_upload"),
]
