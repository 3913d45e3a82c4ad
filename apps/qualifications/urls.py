from django.urls import path

from . import views

app_name = "qualifications"
urlpatterns = [
    path("", views.register_index, name="index"),
    path("organisations/<int:pk>/", views.register_detail, name="register"),
    path("organisations/<int:org_pk>/equipment/add/", views.equipment_edit, name="equipment_add"),
    path("equipment/<int:pk>/", views.equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/active/", views.equipment_active, name="equipment_active"),
    path("organisations/<int:org_pk>/licences/add/", views.licence_edit, name="licence_add"),
    path("licences/<int:pk>/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/active/", views.licence_active, name="licence_active"),
    path("organisations/<int:org_pk>/platform/", views.platform_edit, name="platform"),
    path("organisations/<int:org_pk>/check/", views.check_run, name="check_run"),
    path("checks/", views.check_list, name="checks"),
    path("checks/<int:pk>/", views.check_detail, name="check"),
]
