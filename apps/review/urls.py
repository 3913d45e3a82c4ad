from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.review_rounds, name="rounds"),
    path("calls/<int:call_pk>/", views.review_round_board, name="round"),
    path(
        "calls/<int:call_pk>/<str:action>/",
        views.review_round_action,
        name="round_action",
    ),
    path("results/<int:pk>/adjust/", views.review_result_adjust, name="result_adjust"),
    path("mine/", views.my_assignments, name="my"),
    path("sheets/<int:pk>/", views.score_sheet, name="sheet"),
    path("sheets/<int:pk>/conflict/", views.assignment_conflict, name="conflict"),
    path("events/", views.organisation_events, name="events"),
    path("experts/", views.expert_pool, name="pool"),
]
