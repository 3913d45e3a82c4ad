from django.urls import path

from . import views

# No namespace: the home page keeps its URL name `home` and its path `/`.
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("overview/export/", views.overview_export, name="overview_export"),
]
