from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import RegionScopedModel, Scope


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    TRANSITION = "transition", _("State change")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Login failed")
    DOWNLOAD = "download", _("Downloaded")
    PERSONAL_DATA_ACCESS = "pii_access", _("Personal data viewed")
    EXPORT = "export", _("Exported")
    # Security events (等保 8.1.4.3 b; ASVS 16.3): refusals, second factor, lockouts, passwords.
    ACCESS_REFUSED = "access_refused", _("Access refused")
    API_KEY_REFUSED = "api_key_refused", _("API key refused")
    OTP_FAILED = "otp_failed", _("Second-factor code wrong")
    OTP_ENROLLED = "otp_enrolled", _("Second factor set up")
    OTP_RESET = "otp_reset", _("Second factor reset")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOCKOUT_RESET = "lockout_reset", _("Lockout lifted")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_CHANGE_FAILED = "password_reauth", _("Password change: current password wrong")
    EVENTS_SUMMARISED = "events_summarised", _("Repeated security events")


class AuditEntry(RegionScopedModel):
    """审计日志 — one append-only record of a write or a sensitive read. The writer inserts it
    unchained; the sequencer links it into the keyed chain shortly after its commit."""

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=40, blank=True)
    actor_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    request_id = models.CharField(_("request"), max_length=32, blank=True, db_index=True)
    via = models.CharField(_("channel"), max_length=10, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    jurisdiction_path = models.CharField(_("jurisdiction"), max_length=200, blank=True)
    project_id = models.BigIntegerField(_("project id"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = models.CharField(_("note"), max_length=500, blank=True)
    # Set once by the sequencer (apps.audit.sequencer), never by the writer: position in the
    # chain, the previous entry's hash, HMAC(key, previous hash + content), and which key.
    chained_seq = models.BigIntegerField(_("chain position"), null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, null=True, blank=True)
    entry_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            # The sequencer's work list: only the not-yet-chained rows are in it.
            models.Index(
                fields=["id"], name="audit_pending_idx", condition=Q(chained_seq__isnull=True)
            ),
            # Scoped reads: jurisdiction_path LIKE 'prefix%'. On PostgreSQL a plain B-tree
            # under a non-C collation cannot serve LIKE, varchar_pattern_ops can (other
            # databases ignore the operator class).
            models.Index(
                fields=["jurisdiction_path"],
                name="audit_scope_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            # The log page sorts by actor or by action (issue 17 item 3), ties by id: each
            # sort reads an index in order instead of sorting a million rows.
            models.Index(fields=["actor_username", "id"], name="audit_actor_idx"),
            models.Index(fields=["action", "id"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only")

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        if scope.region_path:
            return Q(jurisdiction_path__startswith=scope.region_path)
        if scope.participant and scope.cleared:
            from apps.projects.models import participating_project_ids

            return Q(project_id__in=participating_project_ids(scope))
        return None

    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    @property
    def is_chained(self) -> bool:
        return self.chained_seq is not None


class AuditChainHead(models.Model):
    """The sequencer's cursor: the last chained position and hash, and the number of the last
    checkpoint written. Only the sequencer (and the purge) touch it — never a writer, so it is
    no global lock. It is not trusted: verification checks the chain against the checkpoints
    kept outside the database."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    entry_count = models.BigIntegerField(default=0)
    last_checkpoint = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"chain head #{self.last_seq}"


class VerificationResult(models.TextChoices):
    RUNNING = "running", _("Running")
    INTACT = "intact", _("Intact")
    ALTERED = "altered", _("Altered")
    FAILED = "failed", _("Could not run")


class AuditVerification(models.Model):
    """One run of the chain verification (a background task), with its progress and verdict.
    `through_checkpoint` is the checkpoint the run verified up to: the next incremental run
    starts there. `signature` (HMAC with the audit key) keeps an insider from planting a
    later starting point."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=150, blank=True)
    full = models.BooleanField(_("full walk"), default=False)
    from_seq = models.BigIntegerField(_("from position"), default=0)
    entries_checked = models.BigIntegerField(_("entries checked"), default=0)
    checkpoints_checked = models.IntegerField(_("checkpoints checked"), default=0)
    result = models.CharField(
        _("result"),
        max_length=10,
        choices=VerificationResult.choices,
        default=VerificationResult.RUNNING,
    )
    first_bad_entry = models.BigIntegerField(_("first bad entry"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    through_seq = models.BigIntegerField(default=0)
    through_hash = models.CharField(max_length=64, blank=True)
    through_checkpoint = models.BigIntegerField(default=0)
    pending = models.BigIntegerField(_("entries not yet chained"), default=0)
    average_entry_bytes = models.IntegerField(_("average before/after size (bytes)"), default=0)
    key_id = models.CharField(max_length=16, blank=True)
    signature = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit log verification")
        verbose_name_plural = _("audit log verifications")

    def __str__(self) -> str:
        return f"verification #{self.pk}: {self.result}"
