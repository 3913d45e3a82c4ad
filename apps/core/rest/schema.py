"""The OpenAPI schema's conventions: one tag per app, readable operation ids
(`<resource>_<verb>`: `project_list`, `project_get`, `application_submit`), and every error
an operation can answer documented with the one problem-details body (`errors.py`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema

from .errors import PROBLEM_CONTENT_TYPE, ProblemSerializer

VERBS = {
    "list": "list",
    "retrieve": "get",
    "create": "create",
    "update": "replace",
    "partial_update": "update",
    "destroy": "delete",
}
ERRORS = {
    400: _("Invalid input: `errors` names each field (problem details, code `invalid`)."),
    401: _("No credentials, or an invalid or revoked API key."),
    403: _("The caller's role or level may not do this."),
    404: _("No such object in the caller's scope (objects of other regions are not revealed)."),
    409: _("The request conflicts with the stored data (idempotency key reused, constraint)."),
    415: _("The body's media type is not accepted."),
    429: _("Past the client's rate (`WIPP_API_THROTTLE_RATE`); see Retry-After."),
    500: _(
        "A fault of the platform (code `server_error`): the body never tells its cause; the "
        "X-Request-ID header finds it in the platform's log."
    ),
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class WippAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        parts = self.view.__class__.__module__.split(".")
        if len(parts) > 1 and parts[0] == "apps":
            return [parts[1]]
        return super().get_tags()

    def get_operation_id(self) -> str:
        basename = getattr(self.view, "basename", None)
        action = getattr(self.view, "action", None)
        if not basename or not action:
            return super().get_operation_id()
        resource = basename.replace("-", "_")
        if action in VERBS:
            verb = VERBS[action]
            if action == "list" and self._is_list_view() is False:
                verb = "get"
        else:
            verb = action.replace("-", "_")
            handler = getattr(self.view, action, None)
            methods = getattr(handler, "mapping", {}) or {}
            if len(methods) > 1 and self.method != "GET":
                verb = f"{verb}_{self.method.lower()}"
        return f"{resource}_{verb}"

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        ref = self.resolve_serializer(ProblemSerializer, "response").ref
        codes = [400, 401, 403, 404, 429, 500]
        if method.upper() in WRITE_METHODS:
            codes += [409, 415]
        responses = operation.setdefault("responses", {})
        for code in codes:
            existing = responses.get(str(code)) or {}
            responses[str(code)] = {
                "description": existing.get("description") or str(ERRORS[code]),
                "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
            }
        return operation
