"""Writes of the archive (HB §23): the evaluation agency closes the project's record.

`project_archive` runs the completeness check (`completeness.py`) and, when every required item
of every stage is met, takes the stage table's `archive` row (payment → archived; the project's
evaluation agency, apps/projects/lifecycle.py). While something is missing it is refused with
the list, by stage. From then on the project is read-only (`guard.py`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectStage
from apps.projects.services import project_stage_advance

from .completeness import project_completeness


def _require_evaluation_agency(user, project) -> None:
    """The project's own evaluation agency (HB §23), not any evaluator taking part."""
    if user.is_superuser:
        return
    if not ProjectParticipant.objects.filter(
        project_id=project.pk,
        role=ParticipantRole.EVALUATION_AGENCY,
        organisation_id=user.organisation_id,
        person__isnull=True,
    ).exists():
        raise PermissionDenied(_("Only the project's evaluation agency archives its record."))


@transaction.atomic
def project_archive(*, user, project, note: str = ""):
    """Closes the project's record once it is complete; refused with what is missing."""
    project.refresh_from_db()
    if project.stage == ProjectStage.ARCHIVED:
        raise ValidationError(_("The project is already archived."))
    if project.stage != ProjectStage.PAYMENT:
        raise ValidationError(
            _("A project is archived after acceptance and the balance payment (HB §23).")
        )
    _require_evaluation_agency(user, project)
    completeness = project_completeness(project)
    if not completeness.complete:
        raise ValidationError(
            _("The record is not complete yet: %(missing)s")
            % {"missing": completeness.missing_text()},
            code="incomplete",
        )
    project_stage_advance(user=user, project=project, action="archive", note=note)
    return project
