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
