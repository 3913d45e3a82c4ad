"""Progress of the platform's batch work (screening runs, deadline sweeps, review closing,
expert assignment, roster imports): one row per run, advanced in the same transaction as each
chunk of work, so what it says is done is done, and a run that stopped midway is resumed from
its cursor (apps.batches.services.batch_run)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Stopped by an error")


class BatchRun(models.Model):
    """批处理 — one run of a batch over an ordered list of items (ordered by primary key).

    `cursor` is the last item's key of the last committed chunk: a rerun of the same `kind`
    and `key` after a crash continues after it. Not audited row by row (`audit_exempt`): it is
    bookkeeping of work whose every write is audited by its own service."""

    audit_exempt = True

    kind = models.CharField(_("batch kind"), max_length=40)
    key = models.CharField(_("batch subject"), max_length=100)
    label = models.CharField(_("batch description"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    total = models.IntegerField(_("items to do"), default=0)
    done = models.IntegerField(_("items done"), default=0)
    cursor = models.BigIntegerField(_("last item done"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    started_at = models.DateTimeField(_("started"))
    updated_at = models.DateTimeField(_("progress recorded at"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=150, blank=True)
    error = models.CharField(_("error of the batch"), max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("batch run")
        verbose_name_plural = _("batch runs")
        constraints = [
            # One unfinished run per batch: a second start resumes it instead.
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=~Q(status="finished"),
                name="one_unfinished_run_per_batch",
                violation_error_message=_(
                    "This batch is already running; wait until it has finished."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.done}/{self.total} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)
