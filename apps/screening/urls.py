from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("calls/<int:call_pk>/", views.screening_call, name="call"),
    path("calls/<int:call_pk>/run/", views.screening_run, name="run"),
    path("reviews/<int:pk>/", views.screening_review, name="review"),
    path("pairs/<int:pk>/", views.screening_pair, name="pair"),
]
