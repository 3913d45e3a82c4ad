"""The office's zip of an archived project's record, built by a background task into the
platform's storage (`default_storage`: local disk or S3) — one row per build, with its progress
per document, the stored object's name, size and SHA-256, and the last audit entry of the
project it holds (a later change of the record makes it stale).

Not part of the record it packs: the row is bookkeeping of the build (`audit_exempt`; the request
and every download are audited as entries of the project), so it may be written while the
project is archived (`apps.archive.signals` lets it through)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import GovernmentOwnedModel


class BundleStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the task worker")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Build failed")


ACTIVE = (BundleStatus.QUEUED, BundleStatus.RUNNING)


class ArchiveBundle(GovernmentOwnedModel):
    """档案包 — one build of the zip of a project's whole record."""

    audit_exempt = True
    archive_bookkeeping = True
    jurisdiction_lookup = "jurisdiction"
    project_lookup = "project"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="archive_bundles"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BundleStatus.choices, default=BundleStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    total = models.IntegerField(_("parts to write"), default=0)
    done = models.IntegerField(_("parts written"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    updated_at = models.DateTimeField(_("progress recorded at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    storage_name = models.CharField(_("stored as"), max_length=300, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    audit_last_id = models.BigIntegerField(_("last audit entry packed"), default=0)
    error = models.CharField(_("error of the build"), max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("archive zip")
        verbose_name_plural = _("archive zips")
        constraints = [
            # One build at a time per project: a second request finds the running one.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["queued", "running"]),
                name="archive_one_running_bundle_per_project",
                violation_error_message=_(
                    "The zip of this record is already being built; wait until it is ready."
                ),
            ),
            models.CheckConstraint(
                condition=Q(done__gte=0) & Q(done__lte=models.F("total")),
                name="archive_bundle_done_within_total",
                violation_error_message=_("A build cannot have written more parts than it has."),
            ),
        ]

    def __str__(self):
        return f"{self.project_id} #{self.pk} {self.status}"
