from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.lists import city_choices, list_page

from .api.views import AuditEntryFilter
from .models import AuditAction, AuditEntry
from .selectors import (
    audit_chain_status,
    audit_last_verification,
    may_browse_audit_log,
    may_verify_audit_log,
)
from .verification import audit_verification_start

#: The audit log is counted up to this many entries, then reads "more than 10,000": at
#: province scale it holds millions of entries, and an exact COUNT(*) over them (a full scan on
#: PostgreSQL) would cost more than the page itself. Filters narrow it to an exact count.
AUDIT_COUNT_LIMIT = 10_000
#: Sortable columns: only indexed ones (time; actor and action each with the id, migration
#: 0005), so a sort never means sorting the whole log.
AUDIT_SORTS = {"time": "occurred_at", "actor": "actor_username", "action": "action"}
AUDIT_SEARCH = ("object_repr", "actor_username", "message")


@login_required
def audit_log(request):
    """The log, scoped to the reader, filtered by the API's FilterSet, searchable, sortable and
    paged; the chain's state by its head and last checkpoint and the last verification's
    result — never a live walk of the chain in the request."""
    if not may_browse_audit_log(request.user):
        raise PermissionDenied
    listing = list_page(
        request,
        AuditEntry.objects.for_user(request.user),
        filterset_class=AuditEntryFilter,
        search=AUDIT_SEARCH,
        sorts=AUDIT_SORTS,
        default_sort="-time",
        count_limit=AUDIT_COUNT_LIMIT,
    )
    context = {
        "listing": listing,
        "cities": city_choices(request.user),
        "actions": AuditAction.choices,
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
