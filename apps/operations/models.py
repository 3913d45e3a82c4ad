from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a background process proved it works: the task worker writes its row from
    a task it ran (apps.operations.tasks.worker_heartbeat), so a worker that is up but no longer
    takes tasks goes stale too. /healthz reads it; `healthz-probe` is only ever inserted and
    rolled back by the database write check."""

    name = models.CharField(_("process"), max_length=60, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    # Liveness, not business data: one audit entry a minute would bury the log.
    audit_exempt = True

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class RestoreRecord(models.Model):
    """One restore of a backup that verified (`manage.py restore`, issue 16 item 3): who ran
    it, from which manifest, and what was verified. Written after the verification into the
    restored database, so its audit entry (the post_save signal, chained by the sequencer like
    any entry) is the first entry after the restored chain: the log says it was restored."""

    restored_at = models.DateTimeField(_("restored"))
    run_by = models.CharField(_("run by"), max_length=150)
    account = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded as account"),
    )
    source = models.CharField(_("backup"), max_length=500)
    manifest_sha256 = models.CharField(_("manifest SHA-256"), max_length=64)
    backup_created_at = models.CharField(_("backup taken"), max_length=40)
    vendor = models.CharField(_("database engine"), max_length=20)
    tables = models.PositiveIntegerField(_("tables verified"))
    rows = models.PositiveBigIntegerField(_("rows verified"))
    files = models.PositiveIntegerField(_("files verified"))
    audit_entries_checked = models.PositiveBigIntegerField(_("audit entries verified"))

    class Meta:
        verbose_name = _("restore")
        verbose_name_plural = _("restores")
        ordering = ["-restored_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} @ {self.restored_at:%Y-%m-%d %H:%M}"
