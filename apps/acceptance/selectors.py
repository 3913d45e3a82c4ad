"""Reads of acceptance: scoped (fail-closed) gets, the checklist of HB §22 for a project and the
steps a user may take (from the table)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.roles import Role
from apps.checklists.engine import checklist_evaluate
from apps.core.workflow import actions_available
from apps.projects.models import Project, ProjectType

from .models import AcceptanceApplication, AuditOpinion, EvaluationReport, ExpertOpinion
from .workflow import ACCEPTANCE_WORKFLOW, PAGE_STEPS

#: Who reads acceptance: the offices, member units, HRSS departments and social-insurance
#: agencies of the region (HB §24), the project's agency, evaluation agency, auditor and experts.
READ_ROLES = frozenset(
    {
        Role.OFFICE,
        Role.MEMBER_UNIT,
        Role.HRSS,
        Role.SI_AGENCY,
        Role.IMPLEMENTER,
        Role.EVALUATOR,
        Role.AUDITOR,
        Role.EXPERT,
    }
)


def read_require(user) -> None:
    if not (user.is_superuser or user.role in READ_ROLES):
        raise PermissionDenied


def project_get(*, user, pk) -> Project:
    read_require(user)
    try:
        return Project.objects.for_user(user).get(pk=pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def application_get(*, user, pk) -> AcceptanceApplication:
    read_require(user)
    try:
        return (
            AcceptanceApplication.objects.for_user(user)
            .select_related("project", "organisation")
            .get(pk=pk)
        )
    except AcceptanceApplication.DoesNotExist as exc:
        raise Http404 from exc


def applications_of(*, user, project):
    return AcceptanceApplication.objects.for_user(user).filter(project=project)


def checklist_code(project) -> str:
    if project.project_type == ProjectType.PROMOTION:
        return "acceptance_promotion"
    return "acceptance_training"


def acceptance_checklist(project, application=None):
    return checklist_evaluate(
        code=checklist_code(project), subject=project, context={"application": application}
    )


def checklist_rows(result) -> list[tuple]:
    """Each item's result with its owners' names (the roles' labels)."""
    return [
        (r, "、".join(str(Role(role).label) for role in r.item.owner_roles)) for r in result.results
    ]


def steps_for(*, user, application) -> list:
    """The table's steps the user may take now, less what the user has already recorded."""
    if application is None:
        return []
    done = set()
    if EvaluationReport.objects.filter(application=application).exists():
        done.add("report")
    if AuditOpinion.objects.filter(application=application).exists():
        done.add("audit")
    if ExpertOpinion.objects.filter(application=application, expert_id=user.pk).exists():
        done.add("expert_opinion")
    return [
        t
        for t in actions_available(table=ACCEPTANCE_WORKFLOW, instance=application, user=user)
        if t.action in PAGE_STEPS and t.action not in done
    ]
