from django.urls import path

from . import views

app_name = "manage"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_update, name="user_update"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/second-factor/reset/", views.otp_reset, name="otp_reset"),
    path("security/", views.security_page, name="security"),
    path("security/lockouts/reset/", views.lockout_reset, name="lockout_reset"),
    path("system/", views.system_page, name="system"),
    path("api-clients/", views.api_client_list, name="api_client_list"),
    path("api-clients/<int:pk>/revoke/", views.api_client_revoke, name="api_client_revoke"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path(
        "documents/<int:pk>/review/",
        views.compliance_document_review,
        name="compliance_document_review",
    ),
]
