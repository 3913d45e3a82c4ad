"""Excel imports (导入) of reference data an office keeps: the expert pool, organisations by
credit code, a year's holiday schedule (issue 17 item 6). An upload is parsed into a preview
with row-level errors; nothing is written until it is confirmed, and then all rows or none."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.ownership import GovernmentOwnedModel


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Previewed")
    CONFIRMED = "confirmed", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class ImportBatch(GovernmentOwnedModel):
    """导入批次 — one uploaded workbook between its preview and its confirmation. The parsed
    rows are kept encrypted (an expert's mobile number is personal data) and checked again
    when confirmed."""

    kind = models.CharField(_("what is imported"), max_length=30)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=200, blank=True)
    rows = EncryptedTextField()
    row_count = models.PositiveIntegerField(_("rows"))
    error_count = models.PositiveIntegerField(_("rows with errors"))
    errors = models.JSONField(default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    result = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(error_count__lte=models.F("row_count")),
                name="import_errors_within_rows",
                violation_error_message=_("More rows with errors than rows."),
            )
        ]

    def __str__(self) -> str:
        return self.file_name
