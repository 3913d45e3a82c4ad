from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import OwnedModel, ProjectOwnedModel, participant_projects_q
from apps.core.scoping import Scope


class StoredBlob(models.Model):
    """内容块 — file content stored once, addressed by its SHA-256."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("detected type"), max_length=100)
    storage_name = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored content")
        verbose_name_plural = _("stored contents")

    def __str__(self) -> str:
        return self.sha256[:12]


class EvidenceFile(ProjectOwnedModel):
    """佐证材料 — one document slot (typed by purpose) whose content may be replaced by versions."""

    project_lookup = "project"

    purpose = models.CharField(_("purpose"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_files",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_files",
        help_text=_("The organisation the document belongs to."),
    )
    current_version = models.ForeignKey(
        "EvidenceVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.title

    @property
    def purpose_label(self) -> str:
        from .purposes import purpose_label

        return purpose_label(self.purpose)

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        own = Q(organisation_id=scope.organisation_id, project__isnull=True)
        if scope.participant and scope.cleared:
            return own | participant_projects_q("project", scope)
        return own if scope.organisation_id else None


class EvidenceVersion(OwnedModel):
    """版本 — one upload into an evidence file; earlier versions stay readable."""

    jurisdiction_lookup = "evidence_file__jurisdiction"
    project_lookup = "evidence_file__project"

    evidence_file = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    blob = models.ForeignKey(StoredBlob, on_delete=models.PROTECT, related_name="versions")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["evidence_file", "-number"]
        verbose_name = _("evidence version")
        verbose_name_plural = _("evidence versions")
        constraints = [
            models.UniqueConstraint(
                fields=["evidence_file", "number"],
                name="unique_version_no",
                violation_error_message=_("This file already has a version with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence_file} v{self.number}"
