"""Session authentication of the API (the pages' own calls), its CSRF refusal coded."""

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

CSRF_FAILED = "csrf_failed"


def csrf_failed_detail() -> str:
    return _(
        "CSRF check failed: a signed-in session must send its CSRF token in the "
        "X-CSRFToken header with every write (or use an API key)."
    )


class CsrfCodedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, its CSRF refusal coded `csrf_failed` (not the generic
    `permission_denied`), as Django's CSRF failure is on /api/ paths (problems.csrf_failure)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(csrf_failed_detail(), code=CSRF_FAILED) from None


class CsrfCodedSessionScheme(SessionScheme):
    """The schema names the session cookie scheme for it as for DRF's own."""

    target_class = "apps.core.rest.authentication.CsrfCodedSessionAuthentication"
