"""Writes of acceptance (HB §21–23; SZ 6.5, 7.2①).

- `acceptance_apply`: the implementing agency files the application (with the 验收申请表) and
  the project moves `apply_for_acceptance`; where it commits to a written implementation
  report (SZ 6.5) the `implementation_report` deadline opens (10 working days from the end),
  met by `implementation_report_submit`.
- `evaluation_report_record` (the project's evaluation agency, 合格/不合格 with its report),
  `audit_opinion_record` (the auditor taking part in person — mandatory), and
  `expert_opinion_record` (experts of technical projects, optional). When report and audit
  opinion are both in, the application is the office's: after a 合格 report the office's
  `acceptance_opinion` deadline opens (2 working days).
- `acceptance_decide`: the office of the project's level. 合格 → the project's `accept` row
  (to PAYMENT), the opinion deadline met, the social-insurance agency's `balance_payment`
  deadline opened (15 days); 不合格 → `fail_acceptance` with the reason, and the SZ 7.2①
  organisation event against the implementing agency, derived from this acceptance.
- `balance_paid`: called by apps.contracts' payment service when the balance is recorded; meets
  the balance deadline.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.levels import Level, level_require
from apps.core.workflow import transition_apply
from apps.deadlines.models import Deadline
from apps.deadlines.services import deadline_meet, deadline_open, deadline_rule_for
from apps.evidence.services import project_file_upload
from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectStage
from apps.projects.participation import implementer_require, project_implementer
from apps.projects.services import project_stage_advance

from .models import (
    OPEN_STATUSES,
    AcceptanceApplication,
    AcceptanceStatus,
    AuditOpinion,
    EvaluationReport,
    ExpertOpinion,
    Verdict,
)
from .workflow import ACCEPTANCE_WORKFLOW

OPINION_RULE = "acceptance_opinion"
BALANCE_RULE = "balance_payment"
REPORT_RULE = "implementation_report"


def clock() -> datetime.datetime:
    """The server's time (tests replace it)."""
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate(clock())


def _deadline_of(application, rule_code: str) -> Deadline | None:
    return (
        Deadline.unscoped.filter(
            rule__code=rule_code,
            subject_type=ContentType.objects.get_for_model(AcceptanceApplication),
            subject_id=application.pk,
        )
        .order_by("-pk")
        .first()
    )


def _meet(deadline: Deadline | None, at: datetime.datetime) -> None:
    if deadline is not None and deadline.is_outstanding:
        deadline_meet(deadline=deadline, met_at=at)


def open_application(project) -> AcceptanceApplication | None:
    return AcceptanceApplication.unscoped.filter(project=project, status__in=OPEN_STATUSES).first()


def _require_participant(user, application, participant_role: str, message: str) -> None:
    """The actor takes part in the project in that capacity (an organisation or in person)."""
    if user.is_superuser:
        return
    who = {"person_id": user.pk}
    if participant_role not in (ParticipantRole.AUDITOR, ParticipantRole.EXPERT):
        who = {"organisation_id": user.organisation_id, "person__isnull": True}
    if not ProjectParticipant.objects.filter(
        project_id=application.project_id, role=participant_role, **who
    ).exists():
        raise PermissionDenied(message)


def _lock(application) -> AcceptanceApplication:
    return AcceptanceApplication.unscoped.select_for_update().get(pk=application.pk)


# --- the application (HB §21, §22; SZ 6.5) ---------------------------------------------------


@transaction.atomic
def acceptance_apply(
    *,
    user,
    project,
    finished_on: datetime.date,
    summary: str,
    form_file,
    commits_report: bool = False,
) -> AcceptanceApplication:
    """The implementing agency applies once the project is done (HB §21): the application with
    its 验收申请表, and the project moves `apply_for_acceptance` (HB §21, the stage table)."""
    project.refresh_from_db()
    implementer_require(user=user, project=project)
    errors = {}
    if finished_on is None:
        errors["finished_on"] = _("Give the day the implementation finished.")
    elif finished_on > today():
        errors["finished_on"] = _("This date is in the future.")
    if not (summary or "").strip():
        errors["summary"] = _("Summarise the implementation and the targets achieved.")
    if form_file is None:
        errors["form_file"] = _("Attach the signed acceptance application form (验收申请表).")
    if errors:
        raise ValidationError(errors)
    if open_application(project) is not None:
        raise ValidationError(_("An acceptance application of this project is under way."))
    document = project_file_upload(
        user=user,
        project=project,
        uploaded_file=form_file,
        purpose="report",
        title=f"工伤预防项目验收申请表 · {project.name}",
        field="form_file",
    )
    application = AcceptanceApplication(
        project=project,
        organisation=user.organisation or project_implementer(project),
        finished_on=finished_on,
        summary=summary.strip(),
        form_document=document,
        commits_report=bool(commits_report),
        applied_by=user,
        applied_at=clock(),
    )
    application.full_clean()
    application.save()
    project_stage_advance(user=user, project=project, action="apply_for_acceptance")
    if application.commits_report:
        _open_report_deadline(application)
    return application


def _open_report_deadline(application) -> Deadline | None:
    """SZ 6.5: the written implementation report within 10 working days of the end, where the
    rules data has the rule for the project's programme (`implementation_report`)."""
    project = application.project
    try:
        deadline_rule_for(rule_code=REPORT_RULE, jurisdiction=project.jurisdiction)
    except ValidationError:
        return None
    return deadline_open(
        rule_code=REPORT_RULE,
        jurisdiction=project.jurisdiction,
        subject=application,
        starts_on=application.finished_on,
        owner_role=Role.IMPLEMENTER,
        owner_organisation=application.organisation,
        project=project,
    )


def report_deadline(application) -> Deadline | None:
    return _deadline_of(application, REPORT_RULE)


def opinion_deadline(application) -> Deadline | None:
    return _deadline_of(application, OPINION_RULE)


def balance_deadline(application) -> Deadline | None:
    return _deadline_of(application, BALANCE_RULE)


@transaction.atomic
def implementation_report_submit(*, user, application, uploaded_file) -> AcceptanceApplication:
    """The written implementation report the application committed to (SZ 6.5)."""
    level_require(user, roles={Role.IMPLEMENTER}, level=Level.ORGANISATION, subject=application)
    application = _lock(application)
    if not application.commits_report:
        raise ValidationError(_("This application did not commit to a written report."))
    if application.implementation_report_id:
        raise ValidationError(_("The written implementation report is already on the platform."))
    application.implementation_report = project_file_upload(
        user=user,
        project=application.project,
        uploaded_file=uploaded_file,
        purpose="report",
        title=f"项目书面实施报告 · {application.project.name}",
    )
    application.report_submitted_at = clock()
    application.save(update_fields=["implementation_report", "report_submitted_at"])
    _meet(report_deadline(application), application.report_submitted_at)
    return application


# --- the evaluation agency, the auditor, the experts (HB §21) -------------------------------


def _complete_if_ready(*, user, application) -> None:
    """Report and audit opinion both in: the office's turn; after a 合格 report its 2 working
    days (HB §23) start."""
    report = EvaluationReport.objects.filter(application=application).first()
    audit = AuditOpinion.objects.filter(application=application).first()
    if report is None or audit is None:
        return
    passed = report.verdict == Verdict.PASS
    application.evaluated_on = today()
    transition_apply(
        table=ACCEPTANCE_WORKFLOW,
        instance=application,
        action="evaluated_pass" if passed else "evaluated_fail",
        user=user,
        changes={"evaluated_on": application.evaluated_on},
    )
    if passed:
        deadline_open(
            rule_code=OPINION_RULE,
            jurisdiction=application.project.jurisdiction,
            subject=application,
            starts_on=application.evaluated_on,
            owner_role=Role.OFFICE,
            project=application.project,
        )


@transaction.atomic
def evaluation_report_record(
    *, user, application, verdict: str, summary: str, uploaded_file
) -> EvaluationReport:
    """The evaluation agency of the project: its acceptance report, 合格 or 不合格 (HB §21)."""
    application = _lock(application)
    transition_apply(table=ACCEPTANCE_WORKFLOW, instance=application, action="report", user=user)
    _require_participant(
        user,
        application,
        ParticipantRole.EVALUATION_AGENCY,
        _("Only the project's evaluation agency reports on its acceptance."),
    )
    if EvaluationReport.objects.filter(application=application).exists():
        raise ValidationError(_("The evaluation acceptance report is already recorded."))
    errors = {}
    if verdict not in Verdict.values:
        errors["verdict"] = _("Choose 合格 or 不合格.")
    if not (summary or "").strip():
        errors["summary"] = _("Give the evaluation of the implementation and its targets.")
    if uploaded_file is None:
        errors["file"] = _("Attach the evaluation acceptance report.")
    if errors:
        raise ValidationError(errors)
    report = EvaluationReport(
        application=application,
        organisation=user.organisation,
        verdict=verdict,
        summary=summary.strip(),
        evidence=project_file_upload(
            user=user,
            project=application.project,
            uploaded_file=uploaded_file,
            purpose="report",
            title=f"项目评估验收报告 · {application.project.name}",
        ),
        recorded_by=user,
        recorded_at=clock(),
    )
    report.save()
    _complete_if_ready(user=user, application=application)
    return report


@transaction.atomic
def audit_opinion_record(
    *, user, application, compliant: bool, opinion: str, uploaded_file
) -> AuditOpinion:
    """The auditor taking part in person: the opinion on the expenses' compliance (HB §21)."""
    application = _lock(application)
    transition_apply(table=ACCEPTANCE_WORKFLOW, instance=application, action="audit", user=user)
    _require_participant(
        user,
        application,
        ParticipantRole.AUDITOR,
        _("Only the auditor named for this project gives the audit opinion."),
    )
    if AuditOpinion.objects.filter(application=application).exists():
        raise ValidationError(_("The audit opinion is already recorded."))
    errors = {}
    if not (opinion or "").strip():
        errors["opinion"] = _("Give the opinion on the expenses.")
    if uploaded_file is None:
        errors["file"] = _("Attach the signed audit opinion (or the audit report).")
    if errors:
        raise ValidationError(errors)
    audit = AuditOpinion(
        application=application,
        auditor=user,
        compliant=bool(compliant),
        opinion=opinion.strip(),
        evidence=project_file_upload(
            user=user,
            project=application.project,
            uploaded_file=uploaded_file,
            purpose="report",
            title=f"费用支出审核意见 · {application.project.name}",
        ),
        recorded_at=clock(),
    )
    audit.save()
    _complete_if_ready(user=user, application=application)
    return audit


@transaction.atomic
def expert_opinion_record(*, user, application, opinion: str) -> ExpertOpinion:
    """An expert taking part in a technical project's acceptance (HB §21)."""
    application = _lock(application)
    transition_apply(
        table=ACCEPTANCE_WORKFLOW, instance=application, action="expert_opinion", user=user
    )
    _require_participant(
        user,
        application,
        ParticipantRole.EXPERT,
        _("Only an expert named for this project gives an opinion on its acceptance."),
    )
    if ExpertOpinion.objects.filter(application=application, expert=user).exists():
        raise ValidationError(_("Your opinion is already recorded."))
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("Give your opinion.")})
    return ExpertOpinion.objects.create(
        application=application, expert=user, opinion=opinion.strip(), recorded_at=clock()
    )


# --- the office's opinion (HB §23) and the balance ------------------------------------------


@transaction.atomic
def acceptance_decide(*, user, application, action: str, note: str = "") -> AcceptanceApplication:
    """The office of the project's level: 合格 (`accept`) or 不合格 (`fail`, with the reason)."""
    if action not in ("accept", "fail"):
        raise ValidationError(_("Unknown step “%(action)s”.") % {"action": action})
    application = _lock(application)
    now = clock()
    transition_apply(
        table=ACCEPTANCE_WORKFLOW,
        instance=application,
        action=action,
        user=user,
        note=note,
        changes={"decided_by": user, "decided_at": now, "opinion": note.strip()},
    )
    project = application.project
    project.refresh_from_db()
    _meet(opinion_deadline(application), now)
    if action == "accept":
        project_stage_advance(user=user, project=project, action="accept", note=note)
        agreement = agreement_of(project)
        deadline_open(
            rule_code=BALANCE_RULE,
            jurisdiction=project.jurisdiction,
            subject=application,
            starts_on=timezone.localdate(now),
            owner_role=Role.SI_AGENCY,
            owner_organisation=agreement.party_a if agreement is not None else None,
            project=project,
        )
    else:
        project_stage_advance(user=user, project=project, action="fail_acceptance", note=note)
        _failed_acceptance_event(user=user, application=application, on=timezone.localdate(now))
    return application


def _failed_acceptance_event(*, user, application, on) -> None:
    """SZ 7.2①: the implementing agency's failed acceptance, derived from this application
    (its evidence: the evaluation acceptance report)."""
    from apps.review.models import OrganisationEvent, OrganisationEventKind

    report = EvaluationReport.objects.filter(application=application).first()
    OrganisationEvent.objects.create(
        organisation=application.organisation,
        kind=OrganisationEventKind.FAILED_ACCEPTANCE,
        occurred_on=on,
        description=(
            f"{application.project.code} {application.project.name} 验收不合格"
            f"（{application.opinion}）"
        )[:500],
        project=application.project,
        evidence=report.evidence if report is not None else application.form_document,
        recorded_by=user,
    )


def agreement_of(project):
    from django.db.models import Q

    from apps.contracts.models import ServiceAgreement

    return (
        ServiceAgreement.unscoped.filter(Q(project=project) | Q(lot__projects=project))
        .select_related("party_a")
        .order_by("pk")
        .first()
    )


def accepted_application(project) -> AcceptanceApplication | None:
    return (
        AcceptanceApplication.unscoped.filter(project=project, status=AcceptanceStatus.ACCEPTED)
        .order_by("-pk")
        .first()
    )


def balance_paid(*, agreement, paid_on: datetime.date) -> list[Deadline]:
    """apps.contracts calls this after each payment past the advance: once the ledger closes
    at the contract amount, the social-insurance agency's 15 days (HB §23) are met for each
    accepted project of the agreement, on the day of the payment that closed it. A part of
    the balance leaves the duty open."""
    if agreement.paid_total < agreement.amount:
        return []
    if agreement.project_id:
        projects = [agreement.project]
    else:
        projects = list(agreement.lot.projects.all()) if agreement.lot_id else []
    met = []
    at = timezone.make_aware(datetime.datetime.combine(paid_on, datetime.time(12)))
    for project in projects:
        application = accepted_application(project)
        deadline = balance_deadline(application) if application is not None else None
        if deadline is not None and deadline.is_outstanding:
            deadline_meet(deadline=deadline, met_at=at)
            met.append(deadline)
    return met


def stage_is_acceptance(project) -> bool:
    return project.stage == ProjectStage.ACCEPTANCE
