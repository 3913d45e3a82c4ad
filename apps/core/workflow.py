"""Explicit workflow: one table of allowed transitions per stage, executed by one service.

Each transition names the state it leaves, the state it enters, the roles that may take it,
whether a reason is required, and the deadline rule (by code) that it starts. Every applied
transition is written to the audit log.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str] | set[str] = field(default_factory=frozenset)
    note_required: bool = False
    starts_deadline: str | None = None


@dataclass(frozen=True)
class TransitionTable:
    field: str
    transitions: list[Transition]

    def find(self, *, source: str, action: str) -> Transition | None:
        for transition in self.transitions:
            if transition.source == source and transition.action == action:
                return transition
        return None

    def available(self, *, source: str, role: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == source and role in t.roles]


def transition_apply(*, table: TransitionTable, instance, action: str, user, note: str = ""):
    """Moves `instance` along `table` (without saving other fields) and audits the change."""
    from apps.audit.services import audit_transition

    source = getattr(instance, table.field)
    transition = table.find(source=source, action=action)
    if transition is None:
        raise ValidationError(
            _("“%(action)s” is not possible while the status is “%(status)s”.")
            % {"action": action, "status": source}
        )
    if not user.is_superuser and user.role not in transition.roles:
        raise PermissionDenied(_("Your role may not do “%(action)s” here.") % {"action": action})
    if transition.note_required and not note.strip():
        raise ValidationError({"note": _("Give the reason for this decision.")})
    setattr(instance, table.field, transition.target)
    instance.save(update_fields=[table.field])
    audit_transition(
        instance=instance,
        field=table.field,
        source=source,
        target=transition.target,
        action_name=action,
        note=note,
    )
    return transition
