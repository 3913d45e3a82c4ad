"""Writes of rectification orders (HB §20; SZ 7.2②).

- `order_issue`: a member unit of the project's level or the project's evaluation agency raises
  an order on a project being implemented (optionally from a finding); the deadline engine
  tracks its day (`rectification`, owner: the implementing agency).
- `order_answer`: the implementing agency's remedy with evidence files; meets the deadline (late
  when after the day).
- `order_confirm` / `order_return`: the confirmer (`workflow.confirmer()`) takes the remedy or
  returns it; a returned order whose day has not passed gets that day again as a new deadline.
- `order_close`: a confirmed order is closed by the office or the raiser; the finding it was
  raised from is resolved.
- `order_urge`: the office of the project's level urges (督促) an escalated order with a new day
  (`rectification_urged`).
- `rectification_sweep`: the daily platform steps, one committed transaction per order,
  idempotent and resumable — an order not remedied by its day is escalated (the office of the
  project's level is notified and has it in its queue); an urged order not remedied by the
  urged day becomes the SZ 7.2② organisation event of the implementing agency, exactly once.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.services import audit_transition
from apps.core.context import ActorContext, acting_as
from apps.core.levels import Level, actor_may
from apps.core.workflow import transition_apply
from apps.deadlines.models import Deadline, Notification, NotificationKind
from apps.deadlines.services import deadline_meet, deadline_open
from apps.evidence.services import project_document_upload
from apps.findings.services import findings_resolve_for_subject
from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectStage
from apps.projects.participation import project_implementer

from .models import (
    AnswerOutcome,
    OrderState,
    RectificationAnswer,
    RectificationAnswerFile,
    RectificationOrder,
)
from .workflow import rectification_workflow

logger = logging.getLogger(__name__)

RULE = "rectification"
URGED_RULE = "rectification_urged"
MAX_FILES = 10


def clock() -> datetime.datetime:
    """The server's time (tests replace it)."""
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate(clock())


def _lock(order) -> RectificationOrder:
    return RectificationOrder.unscoped.select_for_update().get(pk=order.pk)


def _upload(*, user, project, uploaded_file, title: str, field: str):
    return project_document_upload(
        user=user,
        project=project,
        uploaded_file=uploaded_file,
        purpose="general",
        title=title,
        field=field,
    ).evidence_file


# --- the deadlines --------------------------------------------------------------------------


def order_deadlines(order) -> list[Deadline]:
    return list(
        Deadline.unscoped.filter(
            subject_type=ContentType.objects.get_for_model(RectificationOrder),
            subject_id=order.pk,
        )
        .select_related("rule")
        .order_by("pk")
    )


def _open_deadline(order, *, urged: bool) -> Deadline:
    """The agency's duty to remedy by the order's day (or the urged day): the rule counts 0
    days from that day, so the deadline is due on it."""
    return deadline_open(
        rule_code=URGED_RULE if urged else RULE,
        jurisdiction=order.project.jurisdiction,
        subject=order,
        starts_on=order.urged_deadline if urged else order.deadline,
        owner_role=Role.IMPLEMENTER,
        owner_organisation=order.implementer,
        project=order.project,
    )


def _meet_outstanding(order, at: datetime.datetime) -> None:
    for deadline in order_deadlines(order):
        if deadline.is_outstanding:
            deadline_meet(deadline=deadline, met_at=at)


# --- issuing --------------------------------------------------------------------------------


def may_issue(user, project) -> bool:
    """A member unit of the project's level (HB §16, §20) or the project's evaluation agency."""
    if user.is_superuser:
        return True
    if actor_may(user, roles={Role.MEMBER_UNIT}, level=Level.OWN, subject=project):
        return True
    return (
        user.role == Role.EVALUATOR
        and ProjectParticipant.objects.filter(
            project=project,
            role=ParticipantRole.EVALUATION_AGENCY,
            organisation_id=user.organisation_id,
            person__isnull=True,
        ).exists()
    )


@transaction.atomic
def order_issue(
    *,
    user,
    project,
    problem: str,
    requirement: str,
    clause: str,
    deadline: datetime.date | None,
    document=None,
    source_finding=None,
) -> RectificationOrder:
    """HB §20: 领导小组成员单位、第三方评估机构一经发现项目实施不符合服务协议、实施方案要求…
    要及时提出并上传具体整改意见."""
    project.refresh_from_db()
    if not may_issue(user, project):
        raise PermissionDenied(
            _(
                "Only a member unit of the project's level or the project's evaluation agency "
                "raises a rectification order."
            )
        )
    if project.stage != ProjectStage.IMPLEMENTATION:
        raise ValidationError(
            _(
                "A rectification order is raised while the project is being implemented "
                "(now: %(stage)s)."
            )
            % {"stage": project.get_stage_display()}
        )
    implementer = project_implementer(project)
    if implementer is None:
        raise ValidationError(_("The project has no implementing agency to answer the order."))
    errors = {}
    if not (problem or "").strip():
        errors["problem"] = _("Say what is wrong.")
    if not (requirement or "").strip():
        errors["requirement"] = _("Say what must be done to remedy it.")
    if not (clause or "").strip():
        errors["clause"] = _(
            "Name the agreement term, plan item or rule it departs from (e.g. 服务协议第五条)."
        )
    if deadline is None:
        errors["deadline"] = _("Give the day by which it must be remedied.")
    elif deadline <= today():
        errors["deadline"] = _("The day to remedy by must be after today.")
    if source_finding is not None and source_finding.project_id != project.pk:
        errors["source_finding"] = _("The finding is not about this project.")
    if errors:
        raise ValidationError(errors)
    order = RectificationOrder(
        project=project,
        raised_by=user,
        raised_by_organisation=user.organisation,
        implementer=implementer,
        problem=problem.strip(),
        requirement=requirement.strip(),
        clause=clause.strip()[:100],
        deadline=deadline,
        source_finding=source_finding,
        issued_at=clock(),
    )
    if document is not None:
        order.document = _upload(
            user=user,
            project=project,
            uploaded_file=document,
            title=f"整改意见书 · {project.name}",
            field="document",
        )
    order.full_clean()
    order.save()
    _open_deadline(order, urged=False)
    return order


# --- the agency's answer and its confirmation -----------------------------------------------


@transaction.atomic
def order_answer(*, user, order, response: str, files) -> RectificationAnswer:
    """The implementing agency's remedy, with at least one evidence file (HB §20). The step is
    taken first (who, in which state); a refusal of its content rolls it back with the rest."""
    order = _lock(order)
    now = clock()
    transition_apply(table=rectification_workflow(), instance=order, action="answer", user=user)
    if not user.is_superuser and user.organisation_id != order.implementer_id:
        raise PermissionDenied(_("Only the implementing agency the order names answers it."))
    files = [f for f in (files or []) if f is not None]
    errors = {}
    if not (response or "").strip():
        errors["response"] = _("Say what was done to remedy it.")
    if not files:
        errors["files"] = _(
            "Attach the evidence of the remedy (photos, revised materials, records)."
        )
    elif len(files) > MAX_FILES:
        errors["files"] = _("Attach at most %(n)d files.") % {"n": MAX_FILES}
    if errors:
        raise ValidationError(errors)
    answer = RectificationAnswer.objects.create(
        order=order,
        organisation=order.implementer,
        answered_by=user,
        answered_at=now,
        response=response.strip(),
    )
    for uploaded in files:
        RectificationAnswerFile.objects.create(
            answer=answer,
            evidence=_upload(
                user=user,
                project=order.project,
                uploaded_file=uploaded,
                title=f"整改佐证 · {order.project.name}",
                field="files",
            ),
        )
    _meet_outstanding(order, now)
    return answer


def _pending_answer(order) -> RectificationAnswer | None:
    return order.answers.filter(outcome=AnswerOutcome.PENDING).order_by("-pk").first()


@transaction.atomic
def order_confirm(*, user, order, note: str = "") -> RectificationOrder:
    """The remedy is confirmed (by the project's evaluation agency, or the raiser)."""
    order = _lock(order)
    now = clock()
    transition_apply(
        table=rectification_workflow(),
        instance=order,
        action="confirm",
        user=user,
        note=note,
        changes={"confirmed_by": user, "confirmed_at": now},
    )
    answer = _pending_answer(order)
    if answer is not None:
        answer.outcome = AnswerOutcome.CONFIRMED
        answer.decided_by, answer.decided_at = user, now
        answer.decision_note = (note or "").strip()
        answer.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
    return order


@transaction.atomic
def order_return(*, user, order, note: str) -> RectificationOrder:
    """Not remedied: back to the agency with the reason. While the day has not passed the agency
    has until that day again (a new deadline of the same rule); once it has, the sweep escalates
    the order (or, after urging, records the SZ 7.2② event)."""
    order = _lock(order)
    now = clock()
    transition_apply(
        table=rectification_workflow(), instance=order, action="return", user=user, note=note
    )
    answer = _pending_answer(order)
    if answer is not None:
        answer.outcome = AnswerOutcome.RETURNED
        answer.decided_by, answer.decided_at = user, now
        answer.decision_note = note.strip()
        answer.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
    if order.current_deadline >= today():
        _open_deadline(order, urged=order.urged_at is not None)
    return order


@transaction.atomic
def order_close(*, user, order, note: str = "") -> RectificationOrder:
    """A confirmed order is closed; the finding it was raised from is resolved with it."""
    order = _lock(order)
    now = clock()
    transition_apply(
        table=rectification_workflow(),
        instance=order,
        action="close",
        user=user,
        note=note,
        changes={"closed_by": user, "closed_at": now},
    )
    finding = order.source_finding
    if finding is not None:
        findings_resolve_for_subject(
            subject=finding.subject,
            rule_code=finding.rule_code,
            note=_("Remedied: rectification order #%(pk)s closed.") % {"pk": order.pk},
        )
    return order


# --- the office ------------------------------------------------------------------------------


@transaction.atomic
def order_urge(*, user, order, note: str, deadline: datetime.date | None) -> RectificationOrder:
    """HB §20 由领导小组办公室督促项目实施机构整改: the office of the project's level urges an
    escalated order with a new day; the agency's deadline `rectification_urged` opens."""
    order = _lock(order)
    now = clock()
    table = rectification_workflow()
    rows = table.candidates(source=order.state, action="urge")
    if any(actor_may(user, roles=t.roles, level=t.level, subject=order) for t in rows):
        if deadline is None:
            raise ValidationError({"deadline": _("Give the new day by which it must be remedied.")})
        if deadline <= today():
            raise ValidationError({"deadline": _("The day to remedy by must be after today.")})
    transition_apply(
        table=table,
        instance=order,
        action="urge",
        user=user,
        note=note or "",
        changes={
            "urged_by": user,
            "urged_at": now,
            "urged_deadline": deadline,
            "urge_note": (note or "").strip(),
        },
    )
    _open_deadline(order, urged=True)
    return order


# --- the platform's daily steps ---------------------------------------------------------------


def _platform_step(order, action: str, *, changes: dict, note: str) -> bool:
    """A step of the table's platform rows (no roles): the row is looked up for the state read
    under the lock, written once and audited once, as `transition_apply` does for users.
    False when the state no longer has the step (another run took it)."""
    table = rectification_workflow()
    row = table.find(source=order.state, action=action)
    if row is None or row.roles:
        return False
    changes = {**changes, table.field: row.target}
    columns = [order._meta.get_field(name).attname for name in changes]
    before = {column: getattr(order, column) for column in columns}
    for name, value in changes.items():
        setattr(order, name, value)
    order._audit_skip = True
    try:
        order.save(update_fields=list(changes))
    finally:
        order._audit_skip = False
    audit_transition(
        instance=order,
        before=before,
        after={column: getattr(order, column) for column in columns},
        action_name=action,
        note=note,
    )
    return True


def _office_users(order):
    from apps.accounts.models import User

    return User.unscoped.filter(
        is_active=True,
        role=Role.OFFICE,
        organisation__is_active=True,
        organisation__jurisdiction_id=order.project.jurisdiction_id,
    )


def _escalate(order, day: datetime.date) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "Not remedied by %(day)s: escalated to the office of %(jurisdiction)s to urge the "
            "agency (HB §20)."
        ) % {"day": order.deadline.isoformat(), "jurisdiction": order.project.jurisdiction}
        if not _platform_step(order, "escalate", changes={"escalated_at": clock()}, note=note):
            return False
        message = _(
            "Rectification order #%(pk)s on %(project)s was not remedied by %(day)s: urge "
            "%(agency)s to remedy it (HB §20)."
        ) % {
            "pk": order.pk,
            "project": f"{order.project.code} {order.project.name}",
            "day": order.deadline.isoformat(),
            "agency": order.implementer,
        }
    for user in _office_users(order):
        Notification.objects.create(
            recipient=user, kind=NotificationKind.OTHER, message=message[:500]
        )
    return True


def _record_unremedied(order, day: datetime.date) -> bool:
    """SZ 7.2② 未按规定实施工伤预防项目且经督促仍逾期不改正的: the organisation event of the
    implementing agency, recorded by the platform, linked from the order — once."""
    from apps.review.models import OrganisationEvent, OrganisationEventKind

    if order.event_id is not None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "Not remedied after urging by %(day)s: recorded as an SZ 7.2② event of %(agency)s."
        ) % {"day": order.urged_deadline.isoformat(), "agency": order.implementer}
        description = _(
            "%(project)s: rectification order #%(pk)s (%(clause)s) not remedied after the "
            "office's urging by %(day)s"
        ) % {
            "project": f"{order.project.code} {order.project.name}",
            "pk": order.pk,
            "clause": order.clause,
            "day": order.urged_deadline.isoformat(),
        }
    event = OrganisationEvent.objects.create(
        organisation=order.implementer,
        kind=OrganisationEventKind.UNREMEDIED_NONCOMPLIANCE,
        occurred_on=order.urged_deadline + datetime.timedelta(days=1),
        description=description[:500],
        project=order.project,
        evidence=order.document,
        recorded_by=order.urged_by,
    )
    return _platform_step(order, "record_unremedied", changes={"event": event}, note=note)


def _due_for_escalation(day):
    return RectificationOrder.unscoped.filter(
        state__in=(OrderState.ISSUED, OrderState.RETURNED),
        urged_at__isnull=True,
        deadline__lt=day,
    )


def _due_for_event(day):
    return RectificationOrder.unscoped.filter(
        state__in=(OrderState.URGED, OrderState.RETURNED),
        urged_at__isnull=False,
        urged_deadline__lt=day,
        event__isnull=True,
    )


def rectification_sweep(*, day: datetime.date | None = None) -> dict[str, int]:
    """The daily platform steps. Each order is its own transaction (locked, its state re-read):
    a run stopped half-way leaves the done ones done and the next run takes the rest; a second
    run finds nothing to do."""
    day = day or today()
    counts = {"escalated": 0, "events": 0}
    with acting_as(ActorContext(username="rectification-sweep", via="task")):
        for key, candidates, step in (
            ("escalated", _due_for_escalation, _escalate),
            ("events", _due_for_event, _record_unremedied),
        ):
            for pk in list(candidates(day).order_by("pk").values_list("pk", flat=True)):
                with transaction.atomic():
                    order = (
                        candidates(day)
                        .select_for_update()
                        .select_related("project__jurisdiction", "implementer")
                        .filter(pk=pk)
                        .first()
                    )
                    if order is not None and step(order, day):
                        counts[key] += 1
    return counts
