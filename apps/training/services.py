"""Writes of training: classes, sessions, rosters, face data, check-in/out, confirmations,
exams; the integrity checks that raise findings (SPEC §5) and the retention purge."""

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.levels import Level, level_require
from apps.core.workflow import transition_apply
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from apps.projects.participation import implementer_require, project_implementer

from . import geo
from .faces import FaceError, ManyFacesError, face_matches, face_verifier
from .facestore import (
    face_image_delete,
    face_image_store,
    photo_inspect,
)
from .models import (
    AttendanceKind,
    AttendanceMethod,
    AttendanceRecord,
    ConfirmationStatus,
    CoordinateSystem,
    FaceConsent,
    FaceImage,
    FaceImageKind,
    FaceImpactAssessment,
    FaceTemplate,
    PresenceConfirmation,
    Session,
    TrainingClass,
)
from .roster_services import (  # noqa: F401 — the roster's writes, here with the others
    roster_confirm,
    roster_import_checks,
    roster_import_progress,
    roster_import_resume_after,
    roster_preview,
)
from .workflow import CONFIRMATION_WORKFLOW

CITATION = "HB §14; SPEC §5"
AGENCY = frozenset({Role.IMPLEMENTER})


def clock() -> datetime.datetime:
    """The server's time: the only time an attendance record takes (tests replace it)."""
    return timezone.now()


# --- who may write --------------------------------------------------------------------------


# --- classes and sessions -------------------------------------------------------------------


def training_class_create(*, user, project, name: str, syllabus_line=None) -> TrainingClass:
    implementer_require(user=user, project=project)
    if syllabus_line is not None and project.pk not in {
        p.pk for p in syllabus_line.requirement.procurement.covered_projects()
    }:
        raise ValidationError({"syllabus_line": _("This syllabus line is not of this project.")})
    return TrainingClass.unscoped.create(
        project=project, name=name.strip(), syllabus_line=syllabus_line, created_by=user
    )


def session_create(*, user, training_class, **fields) -> Session:
    implementer_require(user=user, project=training_class.project)
    session = Session(training_class=training_class, **fields)
    if session.radius_m is None:
        session.radius_m = settings.WIPP_TRAINING_DEFAULT_RADIUS_M
    if session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    session.full_clean(exclude=["training_class"])
    session.save()
    return session


# --- roster (apps.training.roster_services) -------------------------------------------------

# --- face data (PIPL) -----------------------------------------------------------------------


def face_impact_assessment_save(*, user, project, **fields) -> FaceImpactAssessment:
    implementer_require(user=user, project=project)
    assessment = FaceImpactAssessment.unscoped.filter(project=project).first()
    if assessment is None:
        assessment = FaceImpactAssessment(project=project)
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.recorded_by = user
    assessment.save()
    return assessment


def face_consent_record(*, user, trainee) -> FaceConsent:
    """The trainee's separate consent to face recognition (PIPL art. 29), given in person to
    the agency's staff after the notice; recorded before any face data is taken."""
    implementer_require(user=user, project=trainee.project)
    consent = FaceConsent.objects.filter(trainee=trainee).first()
    now = timezone.now()
    if consent is None:
        return FaceConsent.objects.create(
            trainee=trainee,
            notice_version=settings.WIPP_TRAINING_FACE_NOTICE_VERSION,
            given_at=now,
            recorded_by=user,
        )
    consent.notice_version = settings.WIPP_TRAINING_FACE_NOTICE_VERSION
    consent.given_at, consent.withdrawn_at, consent.recorded_by = now, None, user
    consent.save()
    return consent


@transaction.atomic
def face_consent_withdraw(*, user, trainee) -> None:
    """Withdrawal deletes the template and the enrolment photo at once (PIPL art. 47); the
    trainee is checked in by staff confirmation from then on."""
    implementer_require(user=user, project=trainee.project)
    consent = FaceConsent.objects.filter(trainee=trainee, withdrawn_at__isnull=True).first()
    if consent is None:
        raise ValidationError(_("There is no consent to withdraw."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    _template_delete(trainee, now=consent.withdrawn_at)


def _template_delete(trainee, *, now) -> None:
    template = FaceTemplate.objects.filter(trainee=trainee, deleted_at__isnull=True).first()
    if template is not None:
        template.vector, template.deleted_at = "", now
        template.save(update_fields=["vector", "deleted_at"])
    for image in FaceImage.unscoped.filter(
        trainee=trainee, kind=FaceImageKind.ENROLMENT, deleted_at__isnull=True
    ):
        face_image_delete(image, now=now)


def consent_require(trainee) -> None:
    if not FaceConsent.objects.filter(trainee=trainee, withdrawn_at__isnull=True).exists():
        raise ValidationError(
            _(
                "%(name)s has not consented to face recognition: no face data is taken. "
                "Record the consent first, or check the trainee in by staff confirmation."
            )
            % {"name": trainee.name},
            code="no_consent",
        )


def _embed(content: bytes) -> list[float]:
    try:
        return face_verifier().embed(content)
    except ManyFacesError:
        raise ValidationError(
            _("The photo shows more than one face. Take it again with only the trainee."),
            code="many_faces",
        ) from None
    except FaceError:
        raise ValidationError(
            _("No face could be found in the photo. Take it again, facing the camera."),
            code="no_face",
        ) from None


def face_enrol(*, user, trainee, content: bytes) -> FaceTemplate:
    """The enrolment photo and its template; refused without consent or without the
    project's impact assessment (PIPL art. 29, 55)."""
    implementer_require(user=user, project=trainee.project)
    if not FaceImpactAssessment.unscoped.filter(project_id=trainee.project_id).exists():
        raise ValidationError(
            _(
                "Record the project's personal-information impact assessment "
                "before enrolling faces."
            ),
            code="no_assessment",
        )
    consent_require(trainee)
    photo_inspect(content)
    vector = _embed(content)
    verifier = face_verifier()
    with transaction.atomic():
        now = timezone.now()
        _template_delete(trainee, now=now)
        image = face_image_store(
            trainee=trainee, kind=FaceImageKind.ENROLMENT, content=content, uploaded_by=user
        )
        FaceTemplate.objects.filter(trainee=trainee).delete()
        return FaceTemplate.objects.create(
            trainee=trainee,
            image=image,
            model_name=verifier.name,
            vector=json.dumps(vector),
            created_at=now,
        )


# --- check-in and check-out -----------------------------------------------------------------


def _window(session, kind: str, at) -> bool:
    slack = datetime.timedelta(minutes=settings.WIPP_TRAINING_WINDOW_MINUTES)
    if kind == AttendanceKind.CHECK_IN:
        return session.starts_at - slack <= at <= session.ends_at
    return session.starts_at <= at <= session.ends_at + slack


def _location(session, latitude, longitude, system) -> tuple[float | None, bool]:
    if latitude is None or longitude is None:
        return None, False
    distance = geo.distance_m(
        (latitude, longitude, system),
        (session.latitude, session.longitude, session.coordinate_system),
    )
    return distance, distance <= session.radius_m


def _on_roster(session, trainee) -> None:
    if trainee.training_class_id != session.training_class_id:
        raise ValidationError(_("%(name)s is not on this class's roster.") % {"name": trainee.name})


def attendance_check(
    *,
    user,
    session,
    trainee,
    kind: str,
    photo: bytes,
    latitude=None,
    longitude=None,
    coordinate_system: str = CoordinateSystem.WGS84,
    accuracy_m=None,
) -> AttendanceRecord:
    """A face check-in or check-out: live photo against the enrolment template, the phone's
    location against the venue, the server's time against the schedule. Written once; every
    failed check is a finding linked to the record."""
    implementer_require(user=user, project=session.project)
    _on_roster(session, trainee)
    consent_require(trainee)
    template = FaceTemplate.objects.filter(trainee=trainee, deleted_at__isnull=True).first()
    if template is None:
        raise ValidationError(
            _("%(name)s has no enrolment photo. Enrol the face first, or use staff confirmation.")
            % {"name": trainee.name},
            code="not_enrolled",
        )
    photo_inspect(photo)
    vector = _embed(photo)
    verifier = face_verifier()
    if template.model_name != verifier.name:
        raise ValidationError(
            _("The enrolment was made with another face model; enrol the face again."),
            code="model_changed",
        )
    face_distance = verifier.distance(vector, json.loads(template.vector))
    at = clock()
    distance, inside = _location(session, latitude, longitude, coordinate_system)
    with transaction.atomic():
        image = face_image_store(
            trainee=trainee, kind=FaceImageKind.CHECK, content=photo, uploaded_by=user
        )
        record = AttendanceRecord(
            session=session,
            trainee=trainee,
            kind=kind,
            method=AttendanceMethod.FACE,
            recorded_at=at,
            recorded_by=user,
            latitude=_decimal(latitude),
            longitude=_decimal(longitude),
            coordinate_system=coordinate_system,
            accuracy_m=accuracy_m,
            distance_m=distance,
            within_radius=inside,
            within_window=_window(session, kind, at),
            photo=image,
            face_model=verifier.name,
            face_distance=face_distance,
            face_match=face_matches(face_distance),
        )
        record.save()
        integrity_check(record)
    return record


def _decimal(value):
    return None if value is None else Decimal(str(round(float(value), 6)))


def confirmation_request(
    *,
    user,
    session,
    trainee,
    kind: str,
    reason: str,
    latitude=None,
    longitude=None,
    coordinate_system: str = CoordinateSystem.WGS84,
) -> PresenceConfirmation:
    implementer_require(user=user, project=session.project)
    _on_roster(session, trainee)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason why the face check is not used.")})
    return PresenceConfirmation.unscoped.create(
        session=session,
        trainee=trainee,
        kind=kind,
        reason=reason.strip(),
        requested_at=clock(),
        requested_by=user,
        latitude=_decimal(latitude),
        longitude=_decimal(longitude),
        coordinate_system=coordinate_system,
    )


@transaction.atomic
def confirmation_decide(*, user, confirmation, action: str, note: str = "") -> PresenceConfirmation:
    """The office approves (the attendance record is written, at the time of the staff's
    confirmation) or rejects with a reason."""
    transition_apply(
        table=CONFIRMATION_WORKFLOW,
        instance=confirmation,
        action=action,
        user=user,
        note=note,
        changes={"decided_by": user, "decided_at": timezone.now(), "decision_note": note},
    )
    if confirmation.status == ConfirmationStatus.APPROVED:
        session = confirmation.session
        distance, inside = _location(
            session, confirmation.latitude, confirmation.longitude, confirmation.coordinate_system
        )
        record = AttendanceRecord(
            session=session,
            trainee=confirmation.trainee,
            kind=confirmation.kind,
            method=AttendanceMethod.CONFIRMED,
            recorded_at=confirmation.requested_at,
            recorded_by=confirmation.requested_by,
            latitude=confirmation.latitude,
            longitude=confirmation.longitude,
            coordinate_system=confirmation.coordinate_system,
            distance_m=distance,
            # No location from the staff's phone: the office's approval vouches for the place.
            within_radius=inside or confirmation.latitude is None,
            within_window=_window(session, confirmation.kind, confirmation.requested_at),
            confirmation=confirmation,
        )
        record.save()
        integrity_check(record)
    return confirmation


# --- integrity findings (SPEC §5) -----------------------------------------------------------


def _raise(record, rule: str, severity: str, message: str, *, key: str = "", extra=()):
    owner = project_implementer(record.session.project)
    return finding_raise(
        rule_code=rule,
        citation=CITATION,
        severity=severity,
        subject=record,
        message=message,
        owner_role=Role.IMPLEMENTER,
        owner_organisation=owner,
        key=key,
        records=[
            {"what": "attendance_record", "id": record.pk, "kind": record.kind},
            *extra,
        ],
    )


def _hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def integrity_check(record: AttendanceRecord) -> list:
    """Every rule that the record breaks becomes a finding on it (idempotent)."""
    raised = []
    session, trainee = record.session, record.trainee
    if not record.within_window:
        raised.append(
            _raise(
                record,
                "TR-OUTSIDE-SCHEDULE",
                FindingSeverity.MAJOR,
                _(
                    "%(kind)s of %(name)s at %(at)s is outside the schedule %(start)s–%(end)s "
                    "(± %(window)d minutes)."
                )
                % {
                    "kind": record.get_kind_display(),
                    "name": trainee.name,
                    "at": timezone.localtime(record.recorded_at).strftime("%Y-%m-%d %H:%M"),
                    "start": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(session.ends_at).strftime("%H:%M"),
                    "window": settings.WIPP_TRAINING_WINDOW_MINUTES,
                },
            )
        )
    if not record.within_radius:
        message = (
            _("%(kind)s of %(name)s has no location.")
            if record.distance_m is None
            else _("%(kind)s of %(name)s is %(distance)d m from the venue (radius %(radius)d m).")
        )
        raised.append(
            _raise(
                record,
                "TR-OUTSIDE-RADIUS",
                FindingSeverity.MAJOR,
                message
                % {
                    "kind": record.get_kind_display(),
                    "name": trainee.name,
                    "distance": round(record.distance_m or 0),
                    "radius": session.radius_m,
                },
            )
        )
    if record.method == AttendanceMethod.FACE and not record.face_match:
        raised.append(
            _raise(
                record,
                "TR-FACE-MISMATCH",
                FindingSeverity.CRITICAL,
                _(
                    "The photo of %(name)s's %(kind)s does not match the enrolment photo "
                    "(distance %(distance).2f, threshold %(threshold).2f)."
                )
                % {
                    "name": trainee.name,
                    "kind": record.get_kind_display(),
                    "distance": record.face_distance,
                    "threshold": settings.WIPP_TRAINING_FACE_MAX_DISTANCE,
                },
            )
        )
    # Same person (any project) at another session whose schedule overlaps this one.
    others = (
        AttendanceRecord.unscoped.filter(
            trainee__resident_id_index=trainee.resident_id_index,
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .exclude(session=session)
        .select_related("session")
        .order_by("pk")[:5]
    )
    for other in others:
        raised.append(
            _raise(
                record,
                "TR-TWO-PLACES",
                FindingSeverity.CRITICAL,
                _(
                    "%(name)s is recorded at two sessions at once: %(this)s (%(here)s) and "
                    "%(other)s (%(there)s)."
                )
                % {
                    "name": trainee.name,
                    "this": session,
                    "here": session.venue_address,
                    "other": other.session,
                    "there": other.session.venue_address,
                },
                key=f"record:{other.pk}",
                extra=[{"what": "attendance_record", "id": other.pk, "kind": other.kind}],
            )
        )
    if record.photo_id:
        raised.extend(_photo_reuse(record))
    return raised


def _photo_reuse(record) -> list:
    photo = record.photo
    bits = settings.WIPP_TRAINING_PHOTO_REUSE_MAX_BITS
    same_project = FaceImage.unscoped.filter(project_id=photo.project_id).exclude(pk=photo.pk)
    candidates = {
        pk
        for pk, phash in same_project.values_list("pk", "phash").iterator()
        if _hamming(phash, photo.phash) <= bits
    }
    # The very same file anywhere in the province.
    candidates |= set(
        FaceImage.unscoped.filter(sha256=photo.sha256)
        .exclude(pk=photo.pk)
        .values_list("pk", flat=True)
    )
    raised = []
    for other in FaceImage.unscoped.filter(pk__in=candidates).select_related("trainee")[:5]:
        raised.append(
            _raise(
                record,
                "TR-PHOTO-REUSED",
                FindingSeverity.CRITICAL,
                _(
                    "The photo of this %(kind)s of %(name)s is the same photo as an earlier "
                    "%(other_kind)s of %(other)s (perceptual-hash distance %(d)d bits)."
                )
                % {
                    "kind": record.get_kind_display(),
                    "name": record.trainee.name,
                    "other_kind": other.get_kind_display(),
                    "other": other.trainee.name,
                    "d": _hamming(other.phash, photo.phash),
                },
                key=f"photo:{other.pk}",
                extra=[{"what": "face_image", "id": other.pk, "kind": other.kind}],
            )
        )
    return raised


def hours_check(*, user, project) -> list:
    """Trainees of classes whose sessions are all over and whose counted hours are below the
    syllabus' offline hours: a finding each (SPEC §5 training)."""
    from .selectors import trainee_progress

    if user.role == Role.IMPLEMENTER:
        implementer_require(user=user, project=project)
    else:
        level_require(user, roles={Role.OFFICE}, level=Level.OWN, subject=project)
    now = clock()
    raised = []
    for training_class in TrainingClass.unscoped.filter(project=project).select_related(
        "syllabus_line"
    ):
        sessions = Session.unscoped.filter(training_class=training_class)
        if training_class.syllabus_line is None or not sessions.exists():
            continue
        if sessions.filter(ends_at__gt=now).exists():
            continue
        for row in trainee_progress(training_class=training_class):
            if row["complete"]:
                continue
            raised.append(
                finding_raise(
                    rule_code="TR-HOURS-BELOW",
                    citation="HB §9, §19; SPEC §5",
                    severity=FindingSeverity.MAJOR,
                    subject=row["trainee"],
                    message=_(
                        "%(name)s attended %(hours)s class hours of the %(required)s offline "
                        "hours the syllabus requires (%(cls)s)."
                    )
                    % {
                        "name": row["trainee"].name,
                        "hours": row["hours"],
                        "required": row["required"],
                        "cls": training_class,
                    },
                    owner_role=Role.IMPLEMENTER,
                    owner_organisation=project_implementer(project),
                    key=f"class:{training_class.pk}",
                    records=[
                        {"what": "trainee", "id": row["trainee"].pk},
                        *({"what": "attendance_record", "id": pk} for pk in row["record_ids"]),
                    ],
                )
            )
    return raised


# --- exams ----------------------------------------------------------------------------------


def exam_result_record(*, user, trainee, taken_on, score, passed: bool):
    from .models import ExamResult

    implementer_require(user=user, project=trainee.project)
    return ExamResult.unscoped.create(
        trainee=trainee, taken_on=taken_on, score=score, passed=passed, recorded_by=user
    )


# --- retention (PIPL art. 19, 47) -----------------------------------------------------------


def face_data_purge(*, now=None) -> dict:
    """Deletes face photos and templates of projects whose last session ended more than
    `WIPP_TRAINING_FACE_RETENTION_DAYS` ago; one audit entry with the counts."""
    from django.db.models import Max

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.WIPP_TRAINING_FACE_RETENTION_DAYS)
    ended = (
        Session.unscoped.values("training_class__project")
        .annotate(last=Max("ends_at"))
        .filter(last__lt=cutoff)
        .values_list("training_class__project", flat=True)
    )
    project_ids = list(ended)
    counts = {"photos": 0, "templates": 0, "projects": len(project_ids)}
    for image in FaceImage.unscoped.filter(project_id__in=project_ids, deleted_at__isnull=True):
        face_image_delete(image, now=now)
        counts["photos"] += 1
    templates = FaceTemplate.objects.filter(
        trainee__project_id__in=project_ids, deleted_at__isnull=True
    )
    for template in templates:
        template.vector, template.deleted_at = "", now
        template.save(update_fields=["vector", "deleted_at"])
        counts["templates"] += 1
    audit_record(
        action=AuditAction.DELETE,
        object_type="training.FaceData",
        object_repr="face data past retention deleted",
        after={**counts, "project_ids": project_ids, "cutoff": cutoff},
        message=(
            f"training_face_data_purge: retention {settings.WIPP_TRAINING_FACE_RETENTION_DAYS} days"
        ),
    )
    return counts
