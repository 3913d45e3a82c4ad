"""Writes of the archive (HB §23): the evaluation agency closes the project's record.

`project_archive` runs the completeness check (`completeness.py`) and, when every required item
of every stage is met, takes the stage table's `archive` row (payment → archived; the project's
evaluation agency, apps/projects/lifecycle.py). While something is missing it is refused with
the list, by stage. From then on the project is read-only (`guard.py`).

The office of the project's level then asks for the zip of the record (`archive_bundle_request`):
a background task (`tasks.py`) builds it into the platform's storage with its progress; one
build at a time per project; a zip older than the project's last change is stale and is built
again on request; a project keeps its newest zip only."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
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


# --- the zip of the record, built in the background -----------------------------------------


def bundle_storage():
    """The platform's default storage (local disk or S3, `STORAGES["default"]`)."""
    from django.core.files.storage import default_storage

    return default_storage


def _require_office(user, project) -> None:
    from .selectors import may_request_bundle

    if not may_request_bundle(user=user, project=project):
        raise PermissionDenied(
            _("The office of the project's level builds and downloads the record's zip.")
        )


def archive_bundle_request(*, user, project):
    """The office asks for the zip of an archived project's record: a build is queued (a task
    of the worker) unless one is queued or running already, which is returned instead
    (single flight). Returns (bundle, started)."""
    from apps.audit.models import AuditAction
    from apps.audit.services import audit_record

    from .models import ACTIVE, ArchiveBundle
    from .tasks import archive_bundle_task

    _require_office(user, project)
    with transaction.atomic():
        # The project's row is the lock two simultaneous requests queue on.
        locked = type(project)._base_manager.select_for_update().get(pk=project.pk)
        if locked.stage != ProjectStage.ARCHIVED:
            raise ValidationError(
                _("The record's zip is built once the project is archived."), code="not_archived"
            )
        running = ArchiveBundle.unscoped.filter(project=locked, status__in=ACTIVE).first()
        if running is not None:
            return running, False
        try:
            with transaction.atomic():
                bundle = ArchiveBundle.unscoped.create(
                    jurisdiction_id=locked.jurisdiction_id,
                    project=locked,
                    requested_by=user,
                    requested_at=timezone.now(),
                )
        except IntegrityError:
            # A database without row locks (SQLite) let a simultaneous request through:
            # the constraint stopped the second build; answer with the first.
            return ArchiveBundle.unscoped.get(project=locked, status__in=ACTIVE), False
        audit_record(
            action=AuditAction.EXPORT,
            object_type=ArchiveBundle._meta.label,
            object_id=bundle.pk,
            object_repr=str(locked)[:200],
            jurisdiction_path=locked.jurisdiction.path,
            project_id=locked.pk,
            message=f"archive zip requested (build #{bundle.pk})",
        )

        def enqueue() -> None:
            result = archive_bundle_task.enqueue(bundle_id=bundle.pk)
            ArchiveBundle.unscoped.filter(pk=bundle.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return bundle, True


def _progress_writer(bundle_id: int):
    from .models import ArchiveBundle

    def progress(done: int, total: int) -> None:
        ArchiveBundle.unscoped.filter(pk=bundle_id).update(
            done=done, total=total, updated_at=timezone.now()
        )

    return progress


def _file_sha256(handle) -> tuple[int, str]:
    import hashlib

    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return size, digest.hexdigest()


def bundle_storage_name(bundle) -> str:
    return f"archive-bundles/{bundle.project_id}/{bundle.pk}-{bundle.project.code or 'project'}.zip"


def archive_bundle_build(*, bundle_id: int):
    """The worker's part: claims a queued build, writes the zip (progress after every document)
    to a temporary file of the worker, stores it, records its size and SHA-256, and removes the
    project's older zips (a record keeps one, the newest). A failure is recorded on the build,
    its partial object removed. Returns the build, or None if it was not waiting."""
    import logging
    import tempfile

    from django.core.files import File

    from apps.core.context import acting_as, actor_for_user

    from .bundle import archive_parts_count, archive_zip_build
    from .models import ArchiveBundle, BundleStatus

    now = timezone.now()
    claimed = ArchiveBundle.unscoped.filter(pk=bundle_id, status=BundleStatus.QUEUED).update(
        status=BundleStatus.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:
        return None
    bundle = ArchiveBundle.unscoped.select_related("project", "requested_by").get(pk=bundle_id)
    storage = bundle_storage()
    stored = ""
    try:
        with (
            acting_as(actor_for_user(bundle.requested_by, via="task")),
            tempfile.TemporaryFile(suffix=".zip") as target,
        ):
            project = bundle.project
            ArchiveBundle.unscoped.filter(pk=bundle.pk).update(total=archive_parts_count(project))
            manifest = archive_zip_build(
                project=project,
                target=target,
                generated_by=bundle.requested_by.username,
                progress=_progress_writer(bundle.pk),
            )
            size, sha256 = _file_sha256(target)
            stored = storage.save(bundle_storage_name(bundle), File(target))
        finished = timezone.now()
        ArchiveBundle.unscoped.filter(pk=bundle.pk).update(
            status=BundleStatus.DONE,
            storage_name=stored,
            size=size,
            sha256=sha256,
            audit_last_id=manifest["audit_last_id"],
            done=models.F("total"),
            finished_at=finished,
            updated_at=finished,
        )
    except Exception as error:  # recorded on the build and shown on the page
        logging.getLogger(__name__).exception("archive zip #%s failed", bundle_id)
        if stored:
            storage.delete(stored)
        ArchiveBundle.unscoped.filter(pk=bundle.pk).update(
            status=BundleStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:500],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        bundle.refresh_from_db()
        return bundle
    archive_bundles_superseded_delete(bundle=bundle)
    bundle.refresh_from_db()
    return bundle


def archive_bundles_superseded_delete(*, bundle) -> int:
    """Removes the project's builds older than `bundle` (their stored zips too): a record keeps
    its newest zip only."""
    from .models import ACTIVE, ArchiveBundle

    storage = bundle_storage()
    older = ArchiveBundle.unscoped.filter(project_id=bundle.project_id, pk__lt=bundle.pk).exclude(
        status__in=ACTIVE
    )
    removed = 0
    for old in older:
        if old.storage_name and storage.exists(old.storage_name):
            storage.delete(old.storage_name)
        old.delete()
        removed += 1
    return removed
