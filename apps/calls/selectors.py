from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import AnnualCall, CallStatus


def call_list(*, user):
    return (
        AnnualCall.objects.for_user(user)
        .select_related("jurisdiction")
        .annotate(submitted_count=Count("applications", filter=~Q(applications__status="draft")))
    )


def call_get(*, user, pk: int) -> AnnualCall:
    return call_list(user=user).get(pk=pk)


def public_calls():
    """Published and closed calls are public (HB §4): no login, no scope."""
    return (
        AnnualCall.unscoped.exclude(status=CallStatus.DRAFT)
        .select_related("jurisdiction")
        .prefetch_related("key_industries")
        .order_by("-published_at")
    )


def public_call_jurisdictions() -> list[tuple[str, str]]:
    """(code, name) of the jurisdictions with a public call: the public list's region filter."""
    from apps.jurisdictions.models import Jurisdiction

    codes = public_calls().order_by().values("jurisdiction__code")
    return list(
        Jurisdiction.objects.filter(code__in=codes).order_by("path").values_list("code", "name")
    )


def call_abilities(*, user, call: AnnualCall) -> dict:
    """What the call page offers the user: the workflow steps of the table (role and level),
    editing while a draft, the screening and applications of a call that is out, applying
    while it accepts applications — each decided here, not in the template."""
    from apps.accounts.roles import Role
    from apps.core.workflow import actions_available

    from .services import CALL_WORKFLOW, call_manageable_by

    manages = call_manageable_by(user=user, call=call)
    return {
        "actions": actions_available(table=CALL_WORKFLOW, instance=call, user=user),
        "edit": manages and call.status == CallStatus.DRAFT,
        "screen": manages and call.status != CallStatus.DRAFT,
        "apply": user.role == Role.APPLICANT and call.status == CallStatus.PUBLISHED,
    }


def call_public_status(call: AnnualCall, now=None) -> str:
    """The call's status as a reader expects it: applications open on / accepted until / the
    deadline passed / closed — a future deadline is never shown as closed."""
    now = now or timezone.now()

    def when(moment):
        return date_format(timezone.localtime(moment), "Y-m-d H:i")

    if call.status == CallStatus.DRAFT:
        return str(call.get_status_display())
    deadline = {"deadline": when(call.closes_at)}
    if call.status == CallStatus.CLOSED:
        if call.closes_at > now:
            return _("Closed early (deadline was %(deadline)s)") % deadline
        return _("Closed (deadline %(deadline)s)") % deadline
    if now < call.opens_at:
        return _("Applications open on %(opens)s") % {"opens": when(call.opens_at)}
    if now <= call.closes_at:
        return _("Accepting applications until %(deadline)s") % deadline
    return _("Deadline passed on %(deadline)s") % deadline
