"""One entry per form (issue 11 item 4): the rows of one form — a score sheet's items, an
application's tables — go into their parent's entry instead of one entry per row.

    with audit_form(assignment):
        assignment.scores.all().delete()
        for row in rows:
            row.save()
        assignment.save()

Inside the block, the model capture (apps.audit.signals) hands every save and delete of the
parent itself, and of any row whose foreign key points at the parent, to the form instead of
writing it. When the block ends without an error, the form writes ONE entry on the parent:
the parent's own fields that changed, and for each child table (by its related name, e.g.
`scores`) the rows before and the rows after — each row without its id and parent key, so a
table that is deleted and written again unchanged is no change, and nothing at all is written
for a form saved without a change. An error inside the block writes nothing (the transaction
it runs in is rolled back). Rows of other parents, and other models, are captured as always.
"""

import contextlib
import contextvars
from dataclasses import dataclass, field

from django.db import transaction

from .chain import _json
from .models import AuditAction
from .services import audit_jurisdiction_path, audit_project_id, audit_record, json_safe

_forms: contextvars.ContextVar[tuple] = contextvars.ContextVar("wipp_audit_forms", default=())


@dataclass
class _Form:
    parent: object
    parent_before: dict | None = None
    parent_after: dict | None = None
    parent_seen: bool = False
    parent_created: bool = False
    # related name → {child pk: [before row or None, after row or None]}
    tables: dict = field(default_factory=dict)

    def relation(self, sender):
        """The foreign key of `sender` to the parent's model, or None."""
        parent_model = type(self.parent)
        for candidate in sender._meta.concrete_fields:
            if candidate.is_relation and candidate.related_model is parent_model:
                return candidate
        return None


def _row(values: dict | None, relation) -> dict | None:
    if values is None:
        return None
    return {k: v for k, v in values.items() if k not in ("id", relation.attname)}


def audit_fold(sender, instance, *, before, after, created=False) -> bool:
    """Called by the model capture: True when an open form took the change (nothing else is
    written for it), False when no form is about this row."""
    for form in reversed(_forms.get()):
        parent = form.parent
        if sender is type(parent) and instance.pk == parent.pk:
            if after is None:
                return False  # the parent deleted: its own DELETE entry
            if not form.parent_seen:
                form.parent_before, form.parent_created = before, created
                form.parent_seen = True
            form.parent_after = after
            return True
        relation = form.relation(sender)
        if relation is None or getattr(instance, relation.attname) != parent.pk:
            continue
        table = form.tables.setdefault(relation.remote_field.get_accessor_name(), {})
        row = table.setdefault(str(instance.pk), [_row(before, relation), None])
        row[1] = _row(after, relation)
        return True
    return False


def _sorted_rows(rows) -> list:
    safe = [json_safe(r) for r in rows if r is not None]
    return sorted(safe, key=_json)


def _entry_values(form: _Form) -> tuple[dict, dict]:
    before, after = {}, {}
    if form.parent_seen and form.parent_after is not None:
        old = json_safe(form.parent_before or {})
        new = json_safe(form.parent_after)
        for name in sorted(set(old) | set(new)):
            if form.parent_created or old.get(name) != new.get(name):
                if not form.parent_created:
                    before[name] = old.get(name)
                after[name] = new.get(name)
    for name, rows in sorted(form.tables.items()):
        old = _sorted_rows(r[0] for r in rows.values())
        new = _sorted_rows(r[1] for r in rows.values())
        if old != new:
            before[name], after[name] = old, new
    return before, after


@contextlib.contextmanager
def audit_form(parent):
    """Collects the parent's and its child rows' changes made inside the block into one entry
    on the parent (see the module's docstring). Runs the block in a transaction."""
    form = _Form(parent=parent)
    token = _forms.set((*_forms.get(), form))
    try:
        with transaction.atomic():
            yield form
            _forms.reset(token)
            token = None
            before, after = _entry_values(form)
            if before or after:
                counts = {name: len(after.get(name, [])) for name in form.tables if name in after}
                audit_record(
                    action=AuditAction.CREATE if form.parent_created else AuditAction.UPDATE,
                    object_type=parent._meta.label,
                    object_id=parent.pk,
                    object_repr=str(parent),
                    jurisdiction_path=audit_jurisdiction_path(parent),
                    project_id=audit_project_id(parent),
                    before=before or None,
                    after=after,
                    message="form saved"
                    + "".join(f"; {name}: {n} rows" for name, n in sorted(counts.items())),
                )
    finally:
        if token is not None:
            _forms.reset(token)
