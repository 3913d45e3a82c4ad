from django.urls import path

from . import views

app_name = "rectification"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("projects/<int:project_pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/urge/", views.urge, name="urge"),
    path("<int:pk>/step/<slug:action>/", views.step, name="step"),
]
