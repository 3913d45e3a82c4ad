from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from apps.core import views as core_views

api_v1 = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.projects.api.urls")),
    path("", include("apps.evidence.api.urls")),
    path("", include("apps.audit.api.urls")),
    path("", include("apps.calls.api.urls")),
    path("", include("apps.applications.api.urls")),
    path("", include("apps.screening.api.urls")),
    path("", include("apps.deadlines.api.urls")),
    path("", include("apps.findings.api.urls")),
    path("", include("apps.review.api.urls")),
    path("", include("apps.determination.api.urls")),
    path("", include("apps.procurement.api.urls")),
    path("", include("apps.contracts.api.urls")),
    path("", include("apps.qualifications.api.urls")),
    path("", include("apps.online.api.urls")),
    path("", include("apps.integrations.urls")),
]

urlpatterns = [
    path("", include("apps.dashboards.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("progress/", include("apps.core.progress_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.accounts.urls_manage")),
    path("projects/", include("apps.projects.urls")),
    path("evidence/", include("apps.evidence.urls")),
    path("audit/", include("apps.audit.urls")),
    path("calls/", include("apps.calls.urls")),
    path("applications/", include("apps.applications.urls")),
    path("screening/", include("apps.screening.urls")),
    path("deadlines/", include("apps.deadlines.urls")),
    path("findings/", include("apps.findings.urls")),
    path("review/", include("apps.review.urls")),
    path("determination/", include("apps.determination.urls")),
    path("procurement/", include("apps.procurement.urls")),
    path("contracts/", include("apps.contracts.urls")),
    path("training/", include("apps.training.urls")),
    path("implementation/", include("apps.implementation.urls")),
    path("acceptance/", include("apps.acceptance.urls")),
    path("supervision/", include("apps.supervision.urls")),
    path("archive/", include("apps.archive.urls")),
    path("rectification/", include("apps.rectification.urls")),
    path("imports/", include("apps.imports.urls")),
    path("training/", include("apps.training.recordings_urls")),
    path("qualifications/", include("apps.qualifications.urls")),
    path("public/", include("apps.calls.urls_public")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its initialiser as a script file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("django-admin/", admin.site.urls),
]
