"""Writes of the project itself: the one place a project is made and the one writer of its stage."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
