from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import ROLE_SPECS

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/public/")
API_PREFIX = "/api/"
API_KEY_PREFIX = "Api-Key "


def _is_api_key_request(request) -> bool:
    # API-key clients authenticate in DRF, per request, with their own credential; the session
    # checks below are about people, so they leave those requests to the key check.
    return request.headers.get("Authorization", "").startswith(API_KEY_PREFIX)


class SecondFactorRequiredMiddleware:
    """Users who must use TOTP reach nothing but the second-factor pages until they pass it —
    on the API too (ASVS 6.3.3, 等保 8.1.4.1 d): a password-only session gets a JSON 403
    there instead of a redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and needs_second_factor(user)
            and not user.is_verified()
        ):
            if request.path.startswith(API_PREFIX):
                if not _is_api_key_request(request):
                    return _api_refusal(
                        request,
                        code="second_factor_required",
                        detail=_(
                            "This account must confirm a second factor: open the web site, "
                            "enter your authenticator code, then try again — or use an API key."
                        ),
                    )
            else:
                return redirect(reverse("accounts:otp_verify") + f"?next={request.path}")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """等保 periodic change: a user whose password has expired sees only the change page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .password_validation import password_expired

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and password_expired(user)
        ):
            if request.path.startswith(API_PREFIX):
                if not _is_api_key_request(request):
                    return _api_refusal(
                        request,
                        code="password_expired",
                        detail=_("Your password has expired: change it on the web site first."),
                    )
            else:
                return redirect(reverse("accounts:password_change") + f"?next={request.path}")
        return self.get_response(request)


def _api_refusal(request, *, code: str, detail: str):
    from apps.audit.models import AuditAction

    from .services import security_event_record

    security_event_record(
        kind=AuditAction.ACCESS_REFUSED,
        username=request.user.get_username(),
        jurisdiction_path=request.user.audit_jurisdiction_path(),
        detail=f"{code}: {request.method} {request.path}",
    )
    return JsonResponse({"detail": detail, "code": code}, status=403)


def needs_second_factor(user) -> bool:
    from django.conf import settings

    spec = ROLE_SPECS.get(user.role)
    return (
        user.second_factor_required
        or user.role in settings.SECOND_FACTOR_REQUIRED_ROLES
        or bool(spec and spec.needs_second_factor_by_default)
    )


class RefusalAuditMiddleware:
    """Refused accesses become (aggregated) audit entries (等保 8.1.4.3, ASVS 16.3.2): a 403 or
    404 answered by a view — an object the user may not see or that is not there, which the
    scoping deliberately does not tell apart — and a refused API key (401 with one).
    Recorded here, outside the view's transaction, because a refused request rolls it back.
    Paths that match no view (typos, probes for /wp-admin) are not object accesses and are
    left to the web server's log; so are refusals by the middlewares below this one (the
    second-factor gate records its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status not in (401, 403, 404):
            return response
        from apps.audit.models import AuditAction
        from apps.core.context import current_actor

        from .services import security_event_record

        actor = current_actor()
        where = f"{request.method} {request.path}"[:250]
        if status == 401 and _is_api_key_request(request):
            prefix = request.headers["Authorization"][len(API_KEY_PREFIX) :].partition(".")[0]
            security_event_record(
                kind=AuditAction.API_KEY_REFUSED,
                username=f"api-key:{prefix[:12]}",
                object_type="accounts.ApiClient",
                detail=where,
            )
        elif status in (403, 404) and request.resolver_match is not None and actor.user_id:
            user = getattr(request, "user", None)
            path = ""
            if user is not None and getattr(user, "pk", None) == actor.user_id:
                path = user.audit_jurisdiction_path()
            security_event_record(
                kind=AuditAction.ACCESS_REFUSED,
                username=actor.username,
                jurisdiction_path=path,
                object_type="http",
                detail=f"{status} {where}",
            )
        return response
