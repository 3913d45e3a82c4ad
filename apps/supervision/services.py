"""Writes of supervision (HB §17–20).

- The plan (HB §18): the evaluation agency saves its 《监督评估实施方案》 (`plan_save`, a draft
  or a returned plan with a new document) and submits it (`plan_submit`), which opens the
  office's `supervision_plan_review` deadline; the office of the project's level approves or
  returns it with the reason (`plan_review`), meeting the deadline.
- Inspections (HB §18 ¶2–3): an evaluator of the project's agency records one
  (`inspection_record`) and confirms his or her presence with it; the others confirm on their
  own accounts (`inspection_presence_confirm`). The record is confirmed once enough distinct
  evaluators have: two for a regular on-site inspection, one otherwise. Photos and videos
  (`media_add`) keep the original and its SHA-256; a photo gets a watermarked copy (see
  `watermark.py`). What a confirmed inspection found becomes a finding (`inspection_finding_raise`).
- Periodic reports (HB §20): `report_submit` freezes the platform's figures of the period into
  the report beside the evaluator's sections (HB §19); the office reviews or returns it.

Every actor of the agency is an evaluator of the organisation that takes part in the project as
its evaluation agency, with the account documents of HB §18 (account form, commitment letter)
approved — `evaluator_require`.
"""

import datetime
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.accounts.selectors import missing_documents_for
from apps.core.workflow import transition_apply
from apps.deadlines.models import Deadline
from apps.deadlines.services import deadline_meet, deadline_open
from apps.evidence.purposes import Kind
from apps.evidence.services import project_document_upload
from apps.evidence.sniffing import sniff_file_type
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from apps.projects.models import ParticipantRole, ProjectParticipant
from apps.projects.participation import project_implementer

from . import watermark
from .models import (
    Inspection,
    InspectionKind,
    InspectionMedia,
    InspectionPresence,
    InspectionStatus,
    MediaKind,
    PeriodicReport,
    PlanStatus,
    SupervisionPlan,
)
from .workflow import INSPECTION_WORKFLOW, PLAN_WORKFLOW, REPORT_WORKFLOW

PLAN_REVIEW_RULE = "supervision_plan_review"
FINDING_RULE = "SV-INSPECTION"
FINDING_CITATION = "HB §19, §20"


def clock() -> datetime.datetime:
    """The server's time (tests replace it)."""
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate(clock())


# --- who acts for the evaluation agency -------------------------------------------------------


def evaluation_agency_of(project):
    participant = (
        ProjectParticipant.objects.filter(
            project=project, role=ParticipantRole.EVALUATION_AGENCY, organisation__isnull=False
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return participant.organisation if participant else None


def evaluator_require(user, project) -> None:
    """An evaluator of the project's evaluation agency (HB §17), whose account form and
    commitment letter (HB §18) and confidentiality agreement (HB §25) are approved."""
    if user.is_superuser:
        return
    agency = evaluation_agency_of(project)
    if user.role != Role.EVALUATOR or agency is None or user.organisation_id != agency.pk:
        raise PermissionDenied(
            _("Only an evaluator of the project's evaluation agency may do this.")
        )
    missing = missing_documents_for(user)
    if missing:
        raise PermissionDenied(
            _("Your account documents are not all approved (HB §18): %(missing)s.")
            % {"missing": "、".join(str(kind.label) for kind in missing)}
        )


# --- the plan (HB §18) ------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, user, project, summary: str, uploaded_file) -> SupervisionPlan:
    """The agency's plan as a draft: new, or a draft or returned plan with a new document."""
    evaluator_require(user, project)
    errors = {}
    if not (summary or "").strip():
        errors["summary"] = _("Describe the methods, the schedule and who inspects.")
    if uploaded_file is None:
        errors["file"] = _("Attach the supervision-evaluation plan (监督评估实施方案).")
    if errors:
        raise ValidationError(errors)
    plan = SupervisionPlan.unscoped.select_for_update().filter(project=project).first()
    if plan is not None and plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError(
            _("The plan is %(status)s; it cannot be changed now.")
            % {"status": plan.get_status_display()}
        )
    document = project_document_upload(
        user=user,
        project=project,
        uploaded_file=uploaded_file,
        purpose="report",
        title=f"监督评估实施方案 · {project.name}",
    ).evidence_file
    if plan is None:
        plan = SupervisionPlan(project=project, organisation=user.organisation, created_by=user)
    plan.summary = summary.strip()
    plan.document = document
    plan.updated_at = clock()
    plan.full_clean()
    plan.save()
    return plan


def plan_deadline(plan) -> Deadline | None:
    return (
        Deadline.unscoped.filter(
            rule__code=PLAN_REVIEW_RULE,
            subject_type=ContentType.objects.get_for_model(SupervisionPlan),
            subject_id=plan.pk,
        )
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def plan_submit(*, user, plan) -> SupervisionPlan:
    """To the office of the project's level, whose review deadline starts (HB §18)."""
    evaluator_require(user, plan.project)
    submitted_on = today()
    transition_apply(
        table=PLAN_WORKFLOW,
        instance=plan,
        action="submit",
        user=user,
        changes={"submitted_on": submitted_on, "updated_at": clock()},
    )
    deadline_open(
        rule_code=PLAN_REVIEW_RULE,
        jurisdiction=plan.project.jurisdiction,
        subject=plan,
        starts_on=submitted_on,
        owner_role=Role.OFFICE,
        project=plan.project,
    )
    return plan


@transaction.atomic
def plan_review(*, user, plan, action: str, note: str = "") -> SupervisionPlan:
    """The office of the project's level approves the plan or returns it with the reason."""
    if action not in ("approve", "return"):
        raise ValidationError(_("Unknown step “%(action)s”.") % {"action": action})
    now = clock()
    transition_apply(
        table=PLAN_WORKFLOW,
        instance=plan,
        action=action,
        user=user,
        note=note,
        changes={"reviewed_by": user, "reviewed_at": now, "review_note": note.strip()},
    )
    deadline = plan_deadline(plan)
    if deadline is not None and deadline.is_outstanding:
        deadline_meet(deadline=deadline, met_at=now)
    return plan


# --- inspections (HB §18 ¶2–3) ----------------------------------------------------------------


def _count(value, field: str, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = _("Give a whole number.")
        return None
    if number < 0:
        errors[field] = _("Give a whole number.")
        return None
    return number


def _inspection_errors(kind, held_on, place, summary, counts) -> dict:
    errors = {}
    if kind not in InspectionKind.values:
        errors["kind"] = _("Choose how the project was inspected.")
    if held_on is None:
        errors["held_on"] = _("Give the date.")
    elif held_on > today():
        errors["held_on"] = _("This date is in the future.")
    if not (place or "").strip():
        errors["place"] = _("Say where it took place (or how, for a phone follow-up).")
    if not (summary or "").strip():
        errors["summary"] = _("Say what was inspected and what was found.")
    respondents, aware, satisfied = (_count(v, f, errors) for f, v in counts.items())
    if kind == InspectionKind.QUESTIONNAIRE:
        if not respondents:
            errors["respondents"] = _("Give how many questionnaires were returned.")
        elif aware is None and satisfied is None:
            errors["aware"] = _("Give how many respondents were aware, satisfied or both.")
        for field, value in (("aware", aware), ("satisfied", satisfied)):
            if respondents and value is not None and value > respondents:
                errors[field] = _("This is more than the questionnaires returned.")
    elif any(v is not None for v in (respondents, aware, satisfied)):
        errors["respondents"] = _("Counts of respondents belong to a questionnaire.")
    return errors


@transaction.atomic
def inspection_record(
    *,
    user,
    project,
    kind: str,
    held_on: datetime.date,
    place: str,
    summary: str,
    latitude=None,
    longitude=None,
    respondents=None,
    aware=None,
    satisfied=None,
) -> Inspection:
    """An evaluator records an inspection and, with it, his or her own presence."""
    evaluator_require(user, project)
    counts = {"respondents": respondents, "aware": aware, "satisfied": satisfied}
    errors = _inspection_errors(kind, held_on, place, summary, counts)
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        project=project,
        organisation=user.organisation,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        summary=summary.strip(),
        latitude=latitude,
        longitude=longitude,
        respondents=_count(respondents, "respondents", {}),
        aware=_count(aware, "aware", {}),
        satisfied=_count(satisfied, "satisfied", {}),
        created_by=user,
        created_at=clock(),
    )
    inspection.full_clean()
    inspection.save()
    inspection_presence_confirm(
        user=user, inspection=inspection, latitude=latitude, longitude=longitude
    )
    inspection.refresh_from_db()
    return inspection


@transaction.atomic
def inspection_presence_confirm(
    *, user, inspection, latitude=None, longitude=None
) -> InspectionPresence:
    """The evaluator's own confirmation; the record is confirmed when the required number of
    distinct evaluators have confirmed (HB §18: on site at least two)."""
    inspection = Inspection.unscoped.select_for_update().get(pk=inspection.pk)
    evaluator_require(user, inspection.project)
    transition_apply(
        table=INSPECTION_WORKFLOW, instance=inspection, action="confirm_presence", user=user
    )
    if InspectionPresence.objects.filter(inspection=inspection, evaluator=user).exists():
        raise ValidationError(_("You have already confirmed your presence."))
    presence = InspectionPresence.objects.create(
        inspection=inspection,
        evaluator=user,
        confirmed_at=clock(),
        latitude=latitude,
        longitude=longitude,
    )
    distinct = (
        InspectionPresence.objects.filter(inspection=inspection)
        .values("evaluator")
        .distinct()
        .count()
    )
    if distinct >= inspection.required_evaluators:
        transition_apply(
            table=INSPECTION_WORKFLOW,
            instance=inspection,
            action="complete",
            user=user,
            changes={"confirmed_at": presence.confirmed_at},
        )
    return presence


def _media_kind(uploaded_file) -> str:
    detected = sniff_file_type(uploaded_file)
    kind = detected.file_type.kind if detected.file_type else None
    if kind == Kind.IMAGE:
        return MediaKind.PHOTO
    if kind == Kind.VIDEO:
        return MediaKind.VIDEO
    raise ValidationError(
        {"file": _("A photo or a video is expected; this is %(what)s.") % {"what": detected.label}}
    )


def _coordinates(latitude, longitude) -> str:
    if latitude in (None, "") or longitude in (None, ""):
        return "—"
    return f"{float(latitude):.6f}, {float(longitude):.6f}"


def _read(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    content = uploaded_file.read()
    uploaded_file.seek(0)
    return content


def stamp_for(media: InspectionMedia) -> watermark.Stamp:
    """The stamp as it was written, from what the record keeps."""
    data = media.watermark
    return watermark.Stamp(
        time=data["time"],
        place=data["place"],
        coordinates=data["coordinates"],
        inspector=data["inspector"],
        project=data["project"],
        original_sha256=media.original_sha256,
    )


@transaction.atomic
def media_add(*, user, inspection, uploaded_file, latitude=None, longitude=None):
    """A photo or video taken through the platform: the original with its SHA-256, the
    server's watermark (time, place, coordinates, inspector, project, verification code) on a
    copy of a photo and beside a video."""
    evaluator_require(user, inspection.project)
    if uploaded_file is None:
        raise ValidationError({"file": _("Take a photo or a video.")})
    kind = _media_kind(uploaded_file)
    content = _read(uploaded_file)
    sha256 = hashlib.sha256(content).hexdigest()
    project = inspection.project
    taken_at = clock()
    if latitude in (None, ""):
        latitude, longitude = inspection.latitude, inspection.longitude
    stamp = watermark.Stamp(
        time=timezone.localtime(taken_at).strftime("%Y-%m-%d %H:%M:%S"),
        place=inspection.place,
        coordinates=_coordinates(latitude, longitude),
        inspector=user.full_name or user.username,
        project=f"{project.code} {project.name}",
        original_sha256=sha256,
    )
    code = watermark.verification_code(stamp)
    title = f"监督评估{'照片' if kind == MediaKind.PHOTO else '视频'} · {project.code} · {code}"
    original = project_document_upload(
        user=user,
        project=project,
        uploaded_file=uploaded_file,
        purpose="site_photo" if kind == MediaKind.PHOTO else "recording",
        title=f"{title}（原件）",
    ).evidence_file
    stamped = None
    if kind == MediaKind.PHOTO:
        name = f"{code}.jpg"
        stamped = project_document_upload(
            user=user,
            project=project,
            uploaded_file=ContentFile(watermark.watermark_photo(content, stamp, code), name=name),
            purpose="site_photo",
            title=f"{title}（水印）",
        ).evidence_file
    media = InspectionMedia(
        inspection=inspection,
        kind=kind,
        original=original,
        original_sha256=sha256,
        watermarked=stamped,
        taken_at=taken_at,
        latitude=latitude or None,
        longitude=longitude or None,
        verification_code=code,
        watermark=stamp.as_dict(code),
        uploaded_by=user,
    )
    media.full_clean()
    media.save()
    return media


def media_verify(media: InspectionMedia, *, content: bytes | None = None) -> bool:
    """Whether the original kept on the platform (or `content` offered as the original) still
    has the hash of the record, and the record's code is the HMAC of its stamp."""
    if content is None:
        from apps.evidence.services import evidence_storage

        blob = media.original.current_version.blob
        with evidence_storage().open(blob.storage_name, "rb") as handle:
            content = handle.read()
    if hashlib.sha256(content).hexdigest() != media.original_sha256:
        return False
    return watermark.code_matches(stamp_for(media), media.verification_code)


@transaction.atomic
def inspection_finding_raise(
    *, user, inspection, message: str, severity: str = FindingSeverity.MAJOR, media=()
):
    """What a confirmed inspection found, as a finding for the implementing agency (HB §20:
    提出并上传具体整改意见; the office follows it up). Evidence: the inspection's photos."""
    inspection = Inspection.unscoped.select_for_update().get(pk=inspection.pk)
    evaluator_require(user, inspection.project)
    if inspection.status != InspectionStatus.CONFIRMED:
        raise ValidationError(
            _("Only a confirmed inspection raises findings: %(n)d evaluators must confirm.")
            % {"n": inspection.required_evaluators}
        )
    if not (message or "").strip():
        raise ValidationError({"message": _("Say what does not conform and to what.")})
    if severity not in FindingSeverity.values:
        raise ValidationError({"severity": _("Choose the severity.")})
    media = [m for m in media if m.inspection_id == inspection.pk]
    evidence = [m.watermarked or m.original for m in media]
    from apps.findings.models import Finding

    raised = Finding.unscoped.filter(
        rule_code=FINDING_RULE,
        subject_type=ContentType.objects.get_for_model(Inspection),
        subject_id=inspection.pk,
    ).aggregate(n=Max("key"))
    number = int(raised["n"] or 0) + 1
    return finding_raise(
        rule_code=FINDING_RULE,
        citation=FINDING_CITATION,
        severity=severity,
        subject=inspection,
        message=message.strip(),
        owner_role=Role.IMPLEMENTER,
        owner_organisation=project_implementer(inspection.project),
        key=f"{number:04d}",
        evidence=evidence,
        records=[{"what": "inspection", "id": inspection.pk}]
        + [{"what": "inspection_media", "id": m.pk, "code": m.verification_code} for m in media],
    )


# --- periodic reports (HB §19, §20) -----------------------------------------------------------


@transaction.atomic
def report_submit(
    *,
    user,
    project,
    period_start: datetime.date,
    period_end: datetime.date,
    sections: dict,
    conclusion: str,
    uploaded_file=None,
) -> PeriodicReport:
    """The agency's report of one period: the platform's figures of the period are read now
    and kept in the report as they were (HB §20)."""
    from .selectors import platform_figures, sections_for

    evaluator_require(user, project)
    errors = {}
    if period_start is None:
        errors["period_start"] = _("Give the first day of the period.")
    if period_end is None:
        errors["period_end"] = _("Give the last day of the period.")
    elif period_end > today():
        errors["period_end"] = _("The period has not ended yet.")
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    expected = sections_for(project)
    cleaned = {code: (sections.get(code) or "").strip() for code, _label in expected}
    for code, text in cleaned.items():
        if not text:
            errors[f"section_{code}"] = _("Write this section of the evaluation.")
    if not (conclusion or "").strip():
        errors["conclusion"] = _("Give the conclusion of the period.")
    if errors:
        raise ValidationError(errors)
    document = None
    if uploaded_file is not None:
        document = project_document_upload(
            user=user,
            project=project,
            uploaded_file=uploaded_file,
            purpose="report",
            title=f"监督评估报告 · {project.name} · {period_start}–{period_end}",
        ).evidence_file
    report = PeriodicReport(
        project=project,
        organisation=user.organisation,
        period_start=period_start,
        period_end=period_end,
        figures=platform_figures(project=project, start=period_start, end=period_end),
        sections=cleaned,
        conclusion=conclusion.strip(),
        document=document,
        submitted_by=user,
        submitted_at=clock(),
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_review(*, user, report, action: str, note: str = "") -> PeriodicReport:
    if action not in ("review", "return"):
        raise ValidationError(_("Unknown step “%(action)s”.") % {"action": action})
    transition_apply(
        table=REPORT_WORKFLOW,
        instance=report,
        action=action,
        user=user,
        note=note,
        changes={"reviewed_by": user, "reviewed_at": clock(), "review_note": note.strip()},
    )
    return report
