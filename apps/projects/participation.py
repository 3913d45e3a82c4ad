"""Who carries out a project: its implementing agency (项目实施机构, HB §12–14), and the one
check every implementation record goes through — the agency of this project, while the project
is being implemented."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.levels import Level, level_require

from .models import ParticipantRole, ProjectParticipant, ProjectStage

AGENCY = frozenset({Role.IMPLEMENTER})


def project_implementer(project):
    """The implementing agency (an organisation) the award made a participant, or None."""
    participant = (
        ProjectParticipant.objects.filter(
            project=project, role=ParticipantRole.IMPLEMENTER, organisation__isnull=False
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return participant.organisation if participant else None


def implementer_require(*, user, project) -> None:
    """Refuses anyone but the project's implementing agency, and any time but implementation."""
    level_require(user, roles=AGENCY, level=Level.PARTICIPANT, subject=project)
    if (
        not user.is_superuser
        and not ProjectParticipant.objects.filter(
            project=project, role=ParticipantRole.IMPLEMENTER, organisation_id=user.organisation_id
        ).exists()
    ):
        raise PermissionDenied(_("Only the project's implementing agency may do this."))
    if project.stage != ProjectStage.IMPLEMENTATION:
        raise ValidationError(
            _("This is recorded while the project is being implemented (now: %(stage)s).")
            % {"stage": project.get_stage_display()}
        )
