"""Reads of the evidence store; every one starts from the user's scope."""

from django.db.models import QuerySet

from .models import EvidenceFile, EvidenceVersion


def evidence_list(
    *, user, project=None, organisation=None, purpose: str | None = None
) -> QuerySet[EvidenceFile]:
    """Evidence files the user may see, with what a list shows joined in (no N+1)."""
    qs = EvidenceFile.objects.for_user(user).select_related(
        "jurisdiction",
        "project",
        "organisation",
        "created_by",
        "current_version__blob",
        "current_version__uploaded_by",
    )
    if project is not None:
        qs = qs.filter(project=project)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.order_by("-created_at", "-pk")


def evidence_file_get(*, user, pk: int) -> EvidenceFile:
    """One visible evidence file; raises EvidenceFile.DoesNotExist otherwise (views: 404)."""
    return evidence_list(user=user).get(pk=pk)


def evidence_versions(*, evidence_file: EvidenceFile) -> QuerySet[EvidenceVersion]:
    """All versions of a file the caller has already resolved through the user's scope."""
    return (
        EvidenceVersion.objects.filter(evidence_file=evidence_file)
        .select_related("blob", "uploaded_by")
        .order_by("-number")
    )
