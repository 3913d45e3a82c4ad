from django.urls import path

from . import views

app_name = "determination"
urlpatterns = [
    path("", views.determination_index, name="index"),
    path("calls/<int:call_pk>/", views.determination_board, name="board"),
    path("calls/<int:call_pk>/propose/", views.determination_propose, name="propose"),
    path("calls/<int:call_pk>/meeting/", views.determination_meeting, name="meeting"),
    path("calls/<int:call_pk>/approval/", views.determination_approval, name="approval"),
    path("calls/<int:call_pk>/<str:action>/", views.determination_action, name="action"),
    path("filed/<int:pk>/", views.filed_project, name="filed"),
    path("arrangements/", views.arrangement_list, name="arrangements"),
    path("arrangements/<int:pk>/", views.arrangement_detail, name="arrangement"),
    path("arrangements/<int:pk>/publish/", views.arrangement_publish, name="publish"),
    path("arrangements/<int:pk>/adjust/", views.adjustment_new, name="adjustment_new"),
    path("adjustments/", views.adjustment_list, name="adjustments"),
    path("adjustments/<int:pk>/", views.adjustment_detail, name="adjustment"),
    path("public/arrangements/<int:pk>/", views.public_arrangement, name="public_arrangement"),
]
