from django.urls import path

from . import views

# No namespace: the home page keeps its URL name `home` and its path `/`.
urlpatterns = [
    path("", views.home, name="home"),
]
