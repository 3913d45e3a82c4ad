from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("new/", views.call_create, name="create"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/edit/", views.call_update, name="update"),
    path("<int:pk>/<slug:action>/", views.call_transition, name="transition"),
]
