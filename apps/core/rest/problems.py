"""Problem details for the errors answered outside DRF on `/api/` paths (issue 16 item 5).

DRF's exception handler (`errors.py`) shapes the errors of the API's views. Everything else
that can answer an `/api/` request — Django's 404 for a path that matches no view, a 405 of a
plain view, the 500 of an exception, a CSRF failure, the second-factor and password-expiry
gates (apps.accounts.middleware), the login lockout (django-axes) — answers in its own shape
(HTML pages, `{"detail", "code"}` JSON). `ApiProblemMiddleware` rewrites those answers into
the same `application/problem+json` body with the same fields and codes, keeping the status
and the headers that matter to a client (Allow, Retry-After, WWW-Authenticate, X-Request-ID).
`csrf_failure` is Django's CSRF_FAILURE_VIEW: problem details on `/api/`, Django's page
elsewhere."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .authentication import CSRF_FAILED, csrf_failed_detail
from .errors import PROBLEM_CONTENT_TYPE, problem_body

API_PREFIX = "/api/"

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}
DETAILS = {
    400: gettext_lazy("The request could not be understood."),
    401: gettext_lazy("Authentication credentials were not provided."),
    403: gettext_lazy("You do not have permission to perform this action."),
    404: gettext_lazy("No such resource of the API."),
    405: gettext_lazy("This method is not allowed here."),
    429: gettext_lazy("Too many requests: wait and try again."),
    500: gettext_lazy("The server met an error; it has been logged. Try again later."),
}
LOCKED_OUT = gettext_lazy(
    "Too many failed sign-ins from this address or for this account: try again later."
)


def problem_http_response(
    *, status_code: int, code: str, detail, errors=None, headers=None
) -> HttpResponse:
    """A plain Django answer with the problem-details body (outside DRF's rendering)."""
    body = problem_body(status_code=status_code, code=code, detail=detail, errors=errors)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )
    return response


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def is_problem(response) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)


def _json_fields(response) -> dict:
    """`detail` and `code` of a JSON error answer (the accounts gates answer so)."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return {}
    if getattr(response, "streaming", False):
        return {}
    try:
        data = json.loads(response.content or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: data[name]
        for name in ("detail", "code")
        if isinstance(data.get(name), str) and data[name]
    }


def problem_for(request, response) -> HttpResponse:
    status_code = response.status_code
    found = _json_fields(response)
    if getattr(request, "axes_locked_out", False):
        code, detail = "locked_out", LOCKED_OUT
    elif status_code >= 500:
        code, detail = "server_error", DETAILS[500]
    else:
        code = found.get("code") or CODES.get(status_code, "error")
        detail = found.get("detail") or DETAILS.get(status_code) or _("The request failed.")
    problem = problem_http_response(status_code=status_code, code=code, detail=detail)
    # Every header but the body's own (Allow, Retry-After, WWW-Authenticate, X-Request-ID,
    # the security headers), and the cookies set on the way out.
    for name, value in response.items():
        if name.lower() not in ("content-type", "content-length", "content-disposition"):
            problem[name] = value
    problem.cookies = response.cookies
    return problem


class ApiProblemMiddleware:
    """Every error answer (4xx, 5xx) of an `/api/` path leaves as problem details. Placed just
    inside LocaleMiddleware, so the detail is in the request's language and every error below
    it — a view's, another middleware's, Django's 404/500 handlers' — passes through here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_request(request) or is_problem(response):
            return response
        return problem_for(request, response)


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """CSRF_FAILURE_VIEW: on `/api/` a 403 problem (code `csrf_failed`) — a session client
    must send the X-CSRFToken header with its writes; Django's page elsewhere."""
    if is_api_request(request):
        return problem_http_response(status_code=403, code=CSRF_FAILED, detail=csrf_failed_detail())
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason, template_name=template_name)
