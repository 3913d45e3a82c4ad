from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import AuditAction
from .selectors import (
    audit_chain_status,
    audit_entry_list,
    audit_last_verification,
    may_browse_audit_log,
    may_verify_audit_log,
)
from .verification import audit_verification_start

FILTERS = ("actor", "action", "object_type", "object_id", "project_id", "since", "until")


@login_required
def audit_log(request):
    """The log, scoped to the reader; the chain's state by its head and last checkpoint and
    the last verification's result — never a live walk of the chain in the request."""
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
        "may_verify": may_verify_audit_log(request.user),
        "verification": audit_last_verification(),
        "chain": audit_chain_status(),
    }
    return render(request, "audit/audit_list.html", context)


@login_required
@require_POST
def audit_verify_start(request):
    """The audit administrator starts a verification; it runs as a background task."""
    if not may_verify_audit_log(request.user):
        raise PermissionDenied
    audit_verification_start(
        started_by=request.user.get_username(), full=request.POST.get("full") == "1"
    )
    messages.info(request, _("The verification has started; its result appears on this page."))
    return redirect("audit:list")


def _parse_date(value: str):
    try:
        return parse_date(value)
    except ValueError:
        return None
