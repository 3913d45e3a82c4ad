from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("calls/", views.public_call_list, name="call_list"),
    path("calls/<int:pk>/", views.public_call_detail, name="call_detail"),
]
