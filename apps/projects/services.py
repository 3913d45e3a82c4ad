"""Writes of the project itself: the one place a project is made and the one writer of its stage."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import OrganisationKind, Role
from apps.core.levels import level_require
from apps.core.workflow import Transition, transition_apply

from .lifecycle import INITIAL_STAGES, PROJECT_LIFECYCLE
from .models import ParticipantRole, Project, ProjectParticipant


@transaction.atomic
def project_create(
    *,
    code: str,
    name: str,
    year: int,
    project_type: str,
    jurisdiction,
    applicant,
    budget_amount,
    stage: str,
    industry=None,
    since: datetime.date | None = None,
) -> Project:
    """立项: a project of `jurisdiction` (谁立项、谁负责, HB §3), with its applicant as its
    first participant. Made by the services that own the moment: filing (HB §6, stage
    determination) and an adjustment adding a project to a published arrangement (HB §7,
    stage arranged). The caller has checked who acts."""
    if stage not in INITIAL_STAGES:
        raise ValidationError(
            _("A project is made when it is filed or added to the arrangement, not at “%(stage)s”.")
            % {"stage": stage}
        )
    project = Project(
        code=code,
        name=name,
        year=year,
        project_type=project_type,
        industry=industry,
        jurisdiction=jurisdiction,
        applicant=applicant,
        stage=stage,
        budget_amount=budget_amount,
    )
    project.full_clean()
    project.save()
    ProjectParticipant.objects.create(
        project=project,
        role=ParticipantRole.APPLICANT,
        organisation=applicant,
        since=since or timezone.localdate(),
    )
    return project


def project_stage_advance(*, user, project: Project, action: str, note: str = "") -> Transition:
    """Moves the project one row of `PROJECT_LIFECYCLE` on; the row decides who may."""
    return transition_apply(
        table=PROJECT_LIFECYCLE, instance=project, action=action, user=user, note=note
    )


def projects_stage_advance(*, user, projects, action: str, source: str) -> list[Project]:
    """The same move for every project of a group (a lot, an arrangement) that is still at
    `source`; projects already past it are left as they are."""
    moved = []
    for project in projects:
        if project.stage == source:
            project_stage_advance(user=user, project=project, action=action)
            moved.append(project)
    return moved


# Who the office of the project's level names in a project, and what each must be: experts
# and the auditor take part in person (HB §21), agencies as organisations (HB §12, §17).
ASSIGNED_IN_PERSON = {ParticipantRole.EXPERT: Role.EXPERT, ParticipantRole.AUDITOR: Role.AUDITOR}
ASSIGNED_ORGANISATIONS = {
    ParticipantRole.EVALUATION_AGENCY: {OrganisationKind.EVALUATION_AGENCY},
    ParticipantRole.ONLINE_PLATFORM: {OrganisationKind.ONLINE_TRAINING_PLATFORM},
}


@transaction.atomic
def project_participant_add(
    *, user, project: Project, role: str, organisation=None, person=None, since=None
) -> ProjectParticipant:
    """The office of the project's own level names a participant: an expert or the auditor
    in person (HB §21), the evaluation agency of the project's lot (HB §17), the online
    platform the implementing agency chose (HB §12). Implementing agencies join through the
    award. Naming the same participant again changes nothing."""
    level_require(user, roles={Role.OFFICE}, subject=project)
    if role in ASSIGNED_IN_PERSON:
        if person is None or person.role != ASSIGNED_IN_PERSON[role]:
            raise ValidationError(
                {
                    "person": _("Name a person with the role “%(role)s”.")
                    % {"role": ParticipantRole(role).label}
                }
            )
        organisation = None
    elif role in ASSIGNED_ORGANISATIONS:
        if organisation is None or organisation.kind not in ASSIGNED_ORGANISATIONS[role]:
            raise ValidationError({"organisation": _("This organisation cannot take that part.")})
        person = None
    else:
        raise ValidationError({"role": _("This part is not assigned by the office.")})
    participant, _created = ProjectParticipant.objects.get_or_create(
        project=project,
        role=role,
        organisation=organisation,
        person=person,
        defaults={"since": since or timezone.localdate()},
    )
    return participant
