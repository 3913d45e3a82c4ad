"""Explicit workflow: one table of allowed transitions per stage, executed by one service.

Each transition names the state it leaves, the state it enters, the roles that may take it and
at which level of the object (`apps.core.levels`), whether a reason is required, the deadline
rule (by code) that it starts and the clause it rests on. `transition_apply` is the one executor:
it locks the row, re-reads its state, checks role and level, writes and audits — one entry per
transition. `actions_available` is the one selector of what a user may do next; pages and the
API show exactly those actions.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .levels import Level, actor_may, level_require


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str] | set[str] = field(default_factory=frozenset)
    level: str = Level.OWN
    note_required: bool = False
    starts_deadline: str | None = None
    clause: str = ""
    label: str = ""


@dataclass(frozen=True)
class TransitionTable:
    field: str
    transitions: list[Transition]

    def find(self, *, source: str, action: str) -> Transition | None:
        for transition in self.transitions:
            if transition.source == source and transition.action == action:
                return transition
        return None

    def candidates(self, *, source: str, action: str) -> list[Transition]:
        """Rows of one step; several rows let different roles or levels take it."""
        return [t for t in self.transitions if t.source == source and t.action == action]

    def from_state(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == source]

    def actions(self) -> set[str]:
        return {t.action for t in self.transitions}


def _state_label(instance, table: TransitionTable, value: str) -> str:
    model_field = instance._meta.get_field(table.field)
    return str(dict(model_field.flatchoices).get(value, value))


def actions_available(*, table: TransitionTable, instance, user) -> list[Transition]:
    """What `user` may do next on `instance`: the rows leaving its state whose role and level
    the user has. Pages render these; nothing else decides which buttons appear."""
    if instance is None or user is None or not user.is_authenticated:
        return []
    allowed: dict[str, Transition] = {}
    for t in table.from_state(getattr(instance, table.field)):
        if t.action not in allowed and actor_may(
            user, roles=t.roles, level=t.level, subject=instance
        ):
            allowed[t.action] = t
    return list(allowed.values())


def action_names(*, table: TransitionTable, instance, user) -> list[str]:
    return [t.action for t in actions_available(table=table, instance=instance, user=user)]


def transition_apply(
    *,
    table: TransitionTable,
    instance,
    action: str,
    user,
    note: str = "",
    changes: dict | None = None,
    notify: bool = True,
) -> Transition:
    """Moves `instance` along `table`, together with `changes` (other fields the step sets,
    e.g. who decided and when), in one locked write and one audit entry.

    The row is locked (`select_for_update`) and its state re-read inside the transaction, so of
    two concurrent requests one changes it and the other is refused with the state it found.

    Once the transaction commits, the users of the organisation that owns the row are told of
    a decision taken by someone else (apps.deadlines.notifications); `notify=False` for a
    caller that sends its own, fuller message (the screening result with its reasons).
    """
    from apps.audit.services import audit_transition
    from apps.deadlines.notifications import decision_notify_on_commit

    with transaction.atomic():
        model = type(instance)
        current = model._base_manager.select_for_update().filter(pk=instance.pk).first()
        if current is None:
            raise ValidationError(_("This record no longer exists."))
        # An archived project's record is read-only (HB §23; apps.archive.guard).
        from apps.archive.guard import archived_project_refuse, instance_project_id

        archived_project_refuse(instance_project_id(current))
        source = getattr(current, table.field)
        setattr(instance, table.field, source)
        rows = table.candidates(source=source, action=action)
        transition = next(
            (t for t in rows if actor_may(user, roles=t.roles, level=t.level, subject=instance)),
            rows[0] if rows else None,
        )
        if transition is None:
            if table.actions() and action not in table.actions():
                raise ValidationError(_("Unknown step “%(action)s”.") % {"action": action})
            raise ValidationError(
                _("“%(action)s” is not possible while the status is “%(status)s”.")
                % {"action": action, "status": _state_label(instance, table, source)}
            )
        level_require(user, roles=transition.roles, level=transition.level, subject=instance)
        if transition.note_required and not note.strip():
            raise ValidationError({"note": _("Give the reason for this decision.")})
        changes = dict(changes or {})
        changes[table.field] = transition.target
        # Recorded as the generic capture records rows: by column (a foreign key as its id).
        columns = [instance._meta.get_field(name).attname for name in changes]
        before = {column: getattr(current, column) for column in columns}
        for name, value in changes.items():
            setattr(instance, name, value)
        # The transition's own entry below records the change; the generic save capture
        # would record the same change a second time.
        instance._audit_skip = True
        try:
            instance.save(update_fields=list(changes))
        finally:
            instance._audit_skip = False
        audit_transition(
            instance=instance,
            before=before,
            after={column: getattr(instance, column) for column in columns},
            action_name=action,
            note=note,
        )
        if notify:
            decision_notify_on_commit(
                instance=instance,
                transition=transition,
                actor=user,
                status_label=_state_label(instance, table, transition.target),
                note=note,
            )
    return transition
