"""Reading and verifying the audit log."""

from dataclasses import dataclass

from .chain import GENESIS_HASH, entry_digest
from .models import AuditChainHead, AuditEntry


@dataclass(frozen=True)
class ChainVerdict:
    intact: bool
    checked: int
    first_bad_entry_id: int | None = None
    reason: str = ""


def audit_chain_verify(*, batch_size: int = 2000) -> ChainVerdict:
    """Walk the whole chain: each entry's hash, each link, no gaps, and the head at the end."""
    expected_previous = GENESIS_HASH
    expected_id = 1
    checked = 0
    entries = AuditEntry.unscoped.order_by("id")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.id != expected_id:
            return ChainVerdict(False, checked, expected_id, f"entry #{expected_id} is missing")
        if entry.previous_hash != expected_previous:
            return ChainVerdict(False, checked, entry.id, "link to the previous entry is broken")
        if entry_digest(entry) != entry.entry_hash:
            return ChainVerdict(False, checked, entry.id, "content does not match its hash")
        expected_previous = entry.entry_hash
        expected_id += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_id = head.last_entry_id if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_id != checked or last_hash != expected_previous:
        return ChainVerdict(
            False, checked, checked + 1, f"entries after #{checked} are missing (head #{last_id})"
        )
    return ChainVerdict(True, checked)


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
    """The audit administrator (审计管理员, 等保 8.1.5.3), auditors and offices browse the log;
    the audit administrator, offices and HRSS of their region, auditors of the projects they
    are assigned to (via the scope)."""
    return user.is_superuser or user.role in AUDIT_LOG_ROLES


def may_verify_audit_log(user) -> bool:
    """Walking the whole chain is the audit administrator's act (等保 8.1.5.3): it reads every
    entry of every region, and it is a heavy query."""
    return user.is_superuser or user.role == "audit_admin"
