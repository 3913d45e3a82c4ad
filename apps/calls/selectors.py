from django.db.models import Count, Q

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
