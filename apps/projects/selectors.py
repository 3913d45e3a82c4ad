from django.db.models import QuerySet

from .lifecycle import STAGE_ORDER
from .models import Project, ProjectStage


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    filters = filters or {}
    qs = Project.objects.for_user(user).select_related("jurisdiction", "industry", "applicant")
    if filters.get("jurisdiction"):
        qs = qs.filter(jurisdiction__code=filters["jurisdiction"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("project_type"):
        qs = qs.filter(project_type=filters["project_type"])
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"])
    return qs


def project_get(*, user, pk: int) -> Project:
    """Raises Project.DoesNotExist for a project outside the user's scope (a 404, not a 403)."""
    return project_list(user=user).get(pk=pk)


def project_evidence(*, user, project: Project):
    from apps.evidence.models import EvidenceFile

    return (
        EvidenceFile.objects.for_user(user)
        .filter(project=project)
        .select_related("current_version__blob", "created_by")
    )


def project_lifecycle(project) -> list[dict]:
    """The stages of the lifecycle table in order, with the project's place among them."""
    current = STAGE_ORDER.index(project.stage)
    return [
        {
            "code": code,
            "label": ProjectStage(code).label,
            "done": i < current,
            "current": i == current,
        }
        for i, code in enumerate(STAGE_ORDER)
    ]
