"""Shared pieces of the determination services: the procurement items and project types
of the arrangement, the own-level check, one workflow step, required-field and money parsing."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.core.levels import Level, level_require
from apps.core.money import CENT, yuan
from apps.core.workflow import TransitionTable, transition_apply

# 政府采购品目 of a project type, the arrangement's default (changed only by an adjustment).
PROCUREMENT_ITEMS = {"training": "工伤预防培训服务", "promotion": "工伤预防宣传服务"}
PROJECT_TYPES = ("training", "promotion")


# --- who may act ---------------------------------------------------------------------------


def _check_own_level(user, jurisdiction, role: str) -> None:
    """The actor has `role` and belongs to `jurisdiction` itself (not a parent, not a sibling)."""
    level_require(user, roles={role}, level=Level.OWN, jurisdiction=jurisdiction)


def _step(*, table: TransitionTable, instance, action: str, user, note="", changes=None):
    return transition_apply(
        table=table, instance=instance, action=action, user=user, note=note, changes=changes
    )


def _required(errors: dict, field: str, value, message: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[field] = message
    return value.strip() if isinstance(value, str) else value


def _money(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter an amount in yuan, e.g. 120000.00.")
        return None
    if amount != amount.quantize(CENT) or amount < 0:
        errors[field] = _("Enter a non-negative amount with at most two decimal places.")
        return None
    return yuan(amount)
