from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .models import AuditAction
from .selectors import (
    audit_chain_verify,
    audit_entry_list,
    may_browse_audit_log,
    may_verify_audit_log,
)

FILTERS = ("actor", "action", "object_type", "object_id", "project_id", "since", "until")


@login_required
def audit_log(request):
    if not may_browse_audit_log(request.user):
        raise PermissionDenied
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    filter_errors = []
    for key in ("since", "until"):
        if filters[key] and _parse_date(filters[key]) is None:
            filter_errors.append(
                _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": filters[key]}
            )
            filters[key] = ""
    for key in ("project_id",):
        if filters[key] and not filters[key].isdigit():
            filter_errors.append(_("The project id must be a number."))
            filters[key] = ""
    page = Paginator(audit_entry_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "actions": AuditAction.choices,
        "filter_errors": " ".join(filter_errors),
    }
    context["may_verify"] = may_verify_audit_log(request.user)
    if request.GET.get("verify"):
        if not context["may_verify"]:
            raise PermissionDenied
        context["verdict"] = audit_chain_verify()
    return render(request, "audit/audit_list.html", context)


def _parse_date(value: str):
    try:
        return parse_date(value)
    except ValueError:
        return None
