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
