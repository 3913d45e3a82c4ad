from django.db.models import QuerySet

from .models import Project


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
