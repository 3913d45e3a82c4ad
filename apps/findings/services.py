"""Writes of findings: raised by the platform's checks, answered, resolved or dismissed."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.services import audit_transition
from apps.core.workflow import transition_apply

from .models import Finding, FindingEvent, FindingStatus
from .workflow import FINDING_WORKFLOW

CLOSED = (FindingStatus.RESOLVED, FindingStatus.DISMISSED)


def finding_raise(
    *,
    rule_code: str,
    citation: str,
    severity: str,
    subject,
    message: str,
    owner_role: str,
    owner_organisation=None,
    key: str = "",
    evidence=(),
    records=(),
) -> Finding:
    """Raises the finding of `rule_code` about `subject` (an `Owned` row), once: raising it
    again returns the one on record unchanged. Placed in the subject's jurisdiction and
    project, so scoping and the audit log follow the subject."""
    subject_type = ContentType.objects.get_for_model(subject)
    existing = Finding.unscoped.filter(
        rule_code=rule_code, subject_type=subject_type, subject_id=subject.pk, key=key
    ).first()
    if existing is not None:
        return existing
    jurisdiction = subject.owning_jurisdiction()
    if jurisdiction is None:
        raise ValueError(f"{subject!r} has no jurisdiction to place a finding in")
    finding = Finding(
        rule_code=rule_code,
        citation=citation[:100],
        severity=severity,
        subject_type=subject_type,
        subject_id=subject.pk,
        subject_label=str(subject)[:300],
        key=key,
        jurisdiction=jurisdiction,
        project_id=subject.owning_project_id(),
        message=message,
        records=list(records),
        owner_role=owner_role,
        owner_organisation=owner_organisation,
        raised_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            finding.save()
    except IntegrityError:
        # Raised at the same moment by a concurrent check: the other one is the finding.
        return Finding.unscoped.get(
            rule_code=rule_code, subject_type=subject_type, subject_id=subject.pk, key=key
        )
    if evidence:
        finding.evidence.set(evidence)
    FindingEvent.objects.create(
        finding=finding,
        action="raise",
        status_after=finding.status,
        note=message,
        at=finding.raised_at,
    )
    return finding


@transaction.atomic
def finding_act(*, user, finding: Finding, action: str, note: str = "", evidence=None) -> Finding:
    """One step of `FINDING_WORKFLOW` by `user`; the history keeps who, when, why and the
    evidence an answer brings."""
    note = (note or "").strip()
    now = timezone.now()
    rows = FINDING_WORKFLOW.candidates(source=finding.status, action=action)
    changes = {"status_note": note}
    if rows and rows[0].target in CLOSED:
        changes["closed_at"] = now
    transition_apply(
        table=FINDING_WORKFLOW,
        instance=finding,
        action=action,
        user=user,
        note=note,
        changes=changes,
    )
    FindingEvent.objects.create(
        finding=finding,
        action=action,
        status_after=finding.status,
        note=note,
        evidence=evidence,
        actor=user,
        at=now,
    )
    if evidence is not None:
        finding.evidence.add(evidence)
    return finding


def findings_resolve_for_subject(*, subject, rule_code: str, note: str) -> int:
    """The platform closes its own findings about `subject` when the fact behind them is gone
    (a cancelled deadline): recorded as resolved by the platform, with the reason."""
    now = timezone.now()
    open_findings = Finding.unscoped.filter(
        rule_code=rule_code,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        status__in=(FindingStatus.OPEN, FindingStatus.ANSWERED),
    )
    closed = 0
    for finding in open_findings.select_for_update():
        before = finding.status
        finding.status, finding.status_note, finding.closed_at = FindingStatus.RESOLVED, note, now
        finding._audit_skip = True
        finding.save(update_fields=["status", "status_note", "closed_at"])
        audit_transition(
            instance=finding,
            before={"status": before},
            after={"status": finding.status},
            action_name="resolve",
            note=note,
        )
        FindingEvent.objects.create(
            finding=finding, action="resolve", status_after=finding.status, note=note, at=now
        )
        closed += 1
    return closed
