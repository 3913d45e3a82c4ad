from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("projects/<int:project_pk>/", views.project_training, name="project"),
    path("projects/<int:project_pk>/assessment/", views.assessment_edit, name="assessment"),
    path("projects/<int:project_pk>/classes/new/", views.class_create, name="class_create"),
    path("projects/<int:project_pk>/hours-check/", views.hours_check, name="hours_check"),
    path("projects/<int:project_pk>/export/", views.export_package, name="export"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:class_pk>/sessions/new/", views.session_create, name="session_create"),
    path("classes/<int:class_pk>/roster/", views.roster_upload, name="roster_upload"),
    path(
        "classes/<int:class_pk>/roster/template/",
        views.roster_template_download,
        name="roster_template",
    ),
    path("roster-imports/<int:pk>/", views.roster_preview, name="roster_preview"),
    path("trainees/<int:pk>/", views.trainee_detail, name="trainee"),
    path("trainees/<int:pk>/reveal/", views.trainee_reveal, name="trainee_reveal"),
    path("trainees/<int:pk>/consent/", views.trainee_consent, name="trainee_consent"),
    path(
        "trainees/<int:pk>/consent/withdraw/",
        views.trainee_consent_withdraw,
        name="trainee_consent_withdraw",
    ),
    path("trainees/<int:pk>/enrol/", views.trainee_enrol, name="trainee_enrol"),
    path("trainees/<int:pk>/exam/", views.trainee_exam, name="trainee_exam"),
    path("face-images/<int:pk>/", views.face_image, name="face_image"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("sessions/<int:pk>/confirm/", views.confirmation_request, name="confirmation_request"),
    path("confirmations/<int:pk>/decide/", views.confirmation_decide, name="confirmation_decide"),
]
