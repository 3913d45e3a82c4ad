from django.db.models import Prefetch, QuerySet

from .models import Application, TeamMember


def application_list(*, user, filters: dict | None = None) -> QuerySet[Application]:
    filters = filters or {}
    qs = Application.objects.for_user(user).select_related(
        "call__jurisdiction", "applicant", "industry"
    )
    if filters.get("call"):
        qs = qs.filter(call_id=filters["call"])
    if filters.get("jurisdiction"):
        qs = qs.filter(call__jurisdiction__code=filters["jurisdiction"])
    if filters.get("industry"):
        qs = qs.filter(industry__code=filters["industry"])
    if filters.get("project_type"):
        qs = qs.filter(project_type=filters["project_type"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("number")


def application_get(*, user, pk: int) -> Application:
    return (
        application_list(user=user)
        .prefetch_related(
            "insuranceyear_set",
            "planstage_set",
            "budgetline_set",
            "pastproject_set",
            Prefetch("teammember_set", queryset=TeamMember.objects.order_by("-is_leader", "id")),
        )
        .get(pk=pk)
    )


def application_abilities(*, user, application) -> dict:
    """What the application page offers the user, from the workflow table and the level rule:
    the applicant edits its draft and withdraws while the call takes applications; the office
    of the call's level opens the preliminary review."""
    from django.utils import timezone

    from apps.accounts.roles import Role
    from apps.calls.models import CallStatus
    from apps.core.levels import Level, actor_may
    from apps.core.workflow import action_names

    from .models import ApplicationStatus
    from .services import APPLICATION_WORKFLOW

    steps = action_names(table=APPLICATION_WORKFLOW, instance=application, user=user)
    call = application.call
    call_open = call.status == CallStatus.PUBLISHED and timezone.now() <= call.closes_at
    owner = actor_may(user, roles={Role.APPLICANT}, level=Level.ORGANISATION, subject=application)
    return {
        "edit": owner and application.status == ApplicationStatus.DRAFT,
        "withdraw": "withdraw" in steps and call_open,
        "screen": hasattr(application, "preliminary_review")
        and actor_may(user, roles={Role.OFFICE}, level=Level.OWN, subject=application),
    }
