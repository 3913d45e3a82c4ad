"""One error shape for every API error: RFC 9457 problem details (`application/problem+json`).

Every 4xx answer of `/api/v1/` is an object with

- `type`: a URI naming the kind of problem (`urn:wipp:problem:<code>`),
- `title`: the kind in words, `status`: the HTTP status, `detail`: what went wrong here,
- `code`: a stable machine code (`invalid`, `not_found`, `permission_denied`,
  `not_authenticated`, `authentication_failed`, `throttled`, `method_not_allowed`,
  `unsupported_media_type`, `not_acceptable`, `parse_error`, `conflict`, `batch_rejected`,
  `csrf_failed`, and outside DRF (apps.core.rest.problems) `second_factor_required`,
  `password_expired`, `locked_out`, `server_error`),
- `errors` (validation problems only): the field errors, keyed like the request body — nested
  rows as lists in the same order (`{"team": [{}, {"is_leader": ["…"]}]}`), `non_field_errors`
  for the object as a whole; a batch lists its bad rows (`[{"row": 3, "errors": {…}}]`).

Service-layer errors become API errors here too: a Django `ValidationError` is a 400 with the
same messages, a missing (or out-of-scope) object a 404, a database constraint a 409 — the
serializers check the constraints first, so the 409 is a safety net, never a 500.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("Invalid request"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    415: gettext_lazy("Unsupported media type"),
    429: gettext_lazy("Too many requests"),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the stored data.")
    default_code = "conflict"


def problem_body(*, status_code: int, code: str, detail, errors=None) -> dict:
    body = {
        "type": f"urn:wipp:problem:{code}",
        "title": force_str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": force_str(detail),
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(*, status_code: int, code: str, detail, errors=None, headers=None):
    return Response(
        problem_body(status_code=status_code, code=code, detail=detail, errors=errors),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _first_message(errors) -> str | None:
    if isinstance(errors, dict):
        for value in errors.values():
            found = _first_message(value)
            if found:
                return found
    elif isinstance(errors, list):
        for value in errors:
            found = _first_message(value)
            if found:
                return found
    elif errors:
        return force_str(errors)
    return None


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def wipp_exception_handler(exc, context):
    """DRF's handler (status, headers such as Retry-After and WWW-Authenticate, rollback),
    with the body rewritten as problem details."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail
        if isinstance(errors, list):
            errors = {"non_field_errors": errors}
        if set(errors) == {"detail"} and isinstance(errors["detail"], list):
            errors = {"non_field_errors": errors["detail"]}
        body = problem_body(
            status_code=response.status_code,
            code="invalid",
            detail=_first_message(errors) or _("The request has errors."),
            errors=errors,
        )
    elif isinstance(exc, exceptions.APIException):
        body = problem_body(status_code=response.status_code, code=_code_of(exc), detail=exc.detail)
    else:  # Django's Http404 / PermissionDenied, converted by DRF
        code = {404: "not_found", 403: "permission_denied"}.get(response.status_code, "error")
        body = problem_body(
            status_code=response.status_code,
            code=code,
            detail=response.data.get("detail", "") if isinstance(response.data, dict) else "",
        )
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error of the API."""

    type = serializers.CharField(help_text="`urn:wipp:problem:<code>`.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="Stable machine code: invalid, not_found, permission_denied, "
        "not_authenticated, authentication_failed, throttled, method_not_allowed, "
        "unsupported_media_type, not_acceptable, parse_error, conflict, batch_rejected, "
        "csrf_failed, second_factor_required, password_expired, locked_out, server_error."
    )
    errors = serializers.JSONField(
        required=False,
        help_text="Validation problems only: field errors keyed like the request body "
        "(nested rows as lists), or a batch's bad rows.",
    )
