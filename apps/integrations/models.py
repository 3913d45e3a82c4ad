"""Batches integrating systems send through the write API (issue 16 item 7), each under the
caller's `Idempotency-Key`: the same key with the same body gets the stored answer again and
changes nothing; the same key with another body is refused (409)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import OwnedModel


class IdempotentBatch(OwnedModel):
    """One accepted batch: who sent it, for which operation, its key, body digest and answer."""

    jurisdiction_lookup = "jurisdiction"
    person_lookup = "user"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(_("operation"), max_length=100)
    key = models.CharField(_("idempotency key"), max_length=100)
    digest = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("integration batch")
        verbose_name_plural = _("integration batches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "operation", "key"],
                name="integration_batch_key_once",
                violation_error_message=_("This idempotency key was used for another batch."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key} ×{self.rows}"
