"""Reading and verifying the audit log."""

from .checkpoints import checkpoint_read_number
from .models import AuditChainHead, AuditEntry, AuditVerification
from .verification import ChainVerdict, audit_chain_verify

__all__ = ["ChainVerdict", "audit_chain_verify"]


def audit_last_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-id").first()


def audit_chain_status() -> dict:
    """What every reader of the log may see of the chain (a city office too): how far it is
    chained, how many entries wait for the sequencer, the last checkpoint — no walk."""
    head = AuditChainHead.objects.filter(pk=1).first()
    checkpoint = checkpoint_read_number(head.last_checkpoint) if head else None
    return {
        "last_seq": head.last_seq if head else 0,
        "pending": AuditEntry.unscoped.filter(chained_seq__isnull=True).count(),
        "checkpoint": checkpoint,
    }


def audit_entry_list(*, user, filters: dict | None = None):
    qs = AuditEntry.objects.for_user(user)
    filters = filters or {}
    if filters.get("actor"):
        qs = qs.filter(actor_username__icontains=filters["actor"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    if filters.get("project_id"):
        qs = qs.filter(project_id=filters["project_id"])
    if filters.get("since"):
        qs = qs.filter(occurred_at__date__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(occurred_at__date__lte=filters["until"])
    return qs.order_by("-id")


AUDIT_LOG_ROLES = {"office", "hrss", "auditor", "audit_admin"}


def may_browse_audit_log(user) -> bool:
    """The audit administrator (审计管理员, 等保 8.1.5.2), auditors and offices browse the log;
    the audit administrator, offices and HRSS of their region, auditors of the projects they
    are assigned to (via the scope)."""
    return user.is_superuser or user.role in AUDIT_LOG_ROLES


def may_verify_audit_log(user) -> bool:
    """Starting a verification (a background walk of the province's chain) is the audit
    administrator's act (等保 8.1.5.2); other readers see the last result and checkpoint."""
    return user.is_superuser or user.role == "audit_admin"
