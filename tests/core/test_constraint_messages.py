"""Every database constraint of the project's models says in plain words what is wrong
(issue 13 item 10): a CheckConstraint or UniqueConstraint that a form or a service can
violate carries a ``violation_error_message`` (gettext, with its Chinese), so that a model
form's constraint check never shows Django's "Constraint “…” is violated." (约束“…”是无效的。).

The walk covers every model under ``apps/``, with no app left out: a new constraint (or a new
app) must say its message. Each app's ``tests/<app>/test_constraint_messages.py`` provokes one
of its constraints through the form or service a user reaches and reads the plain message."""

from django.apps import apps
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import translation

#: Constraints that keep Django's default message because no user input can reach them, each
#: with the reason. (None at present: every constraint has its message, the ones only the
#: platform writes included.)
CANNOT_TRIGGER: dict[tuple[str, str], str] = {}

#: Apps whose constraints the walk must find (so that a renamed app or model cannot drop out
#: of the walk unnoticed).
WITH_CONSTRAINTS = (
    "training",
    "implementation",
    "procurement",
    "findings",
    "deadlines",
    "qualifications",
    "projects",
    "jurisdictions",
    "accounts",
    "evidence",
    "calls",
    "applications",
    "screening",
    "review",
    "determination",
    "contracts",
    "online",
    "batches",
    "acceptance",
    "supervision",
    "rectification",
)


def _constraints():
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint | UniqueConstraint):
                yield model, constraint


def _has_own_message(constraint) -> bool:
    message = constraint.violation_error_message
    return message is not None and message != constraint.default_violation_error_message


def test_every_constraint_says_what_is_wrong_in_plain_words():
    missing = []
    for model, constraint in _constraints():
        label = model._meta.app_label
        if (label, constraint.name) in CANNOT_TRIGGER:
            continue
        if not _has_own_message(constraint):
            missing.append(f"{label}.{model.__name__}: {constraint.name}")
    assert not missing, "constraints without a violation_error_message:\n" + "\n".join(missing)


def test_every_message_is_plain_and_translated():
    seen = {model._meta.app_label for model, _c in _constraints()}
    assert set(WITH_CONSTRAINTS) <= seen
    for model, constraint in _constraints():
        if (model._meta.app_label, constraint.name) in CANNOT_TRIGGER:
            continue
        with translation.override("en"):
            english = str(constraint.violation_error_message)
        with translation.override("zh-hans"):
            chinese = str(constraint.violation_error_message)
        assert "%(name)s" not in english and constraint.name not in english
        assert "Constraint" not in english and "约束" not in chinese
        assert chinese != english, f"{constraint.name}: no Chinese for {english!r}"


def test_the_allowlist_names_only_what_exists():
    names = {(m._meta.app_label, c.name) for m, c in _constraints()}
    assert set(CANNOT_TRIGGER) <= names
    assert all(reason.strip() for reason in CANNOT_TRIGGER.values())
