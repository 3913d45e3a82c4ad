"""Read-only after archive (HB §23: 验收结束后…确保档案完整): once a project is `archived`, its
record is closed. The writers every change passes through call `archived_project_refuse`:
`apps.core.workflow.transition_apply` (every step of every table, for a row whose project is
archived) and `apps.evidence.services.evidence_upload` (every document and every new version).
Services that write neither a step nor a file are reached only from stages before `archived`
(their own stage or step checks refuse them afterwards)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ARCHIVED = "archived"


def project_is_archived(project_id: int | None) -> bool:
    if not project_id:
        return False
    from apps.projects.models import Project

    return Project._base_manager.filter(pk=project_id, stage=ARCHIVED).exists()


def archived_project_refuse(project_id: int | None) -> None:
    """Raises ValidationError if the project is archived: nothing of it may change."""
    if project_is_archived(project_id):
        raise ValidationError(
            _("The project is archived: its record is read-only."), code="archived"
        )


def instance_project_id(instance) -> int | None:
    """The project a row belongs to (its ownership declaration), or None."""
    owning = getattr(instance, "owning_project_id", None)
    return owning() if callable(owning) else None
