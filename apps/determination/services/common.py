"""Shared pieces of the determination services: the procurement items and project types
of the arrangement, the own-level check, one workflow step, required-field and money parsing."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
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


# --- the year's fund total (HB §6: 根据年度工伤预防费总额) ------------------------------------


def fund_total(jurisdiction, year: int) -> Decimal | None:
    """The year's prevention fund total of a jurisdiction (its annual setting), or None when
    no setting is recorded for that year — then only the call's own budget bounds it."""
    from apps.jurisdictions.models import AnnualSetting

    setting = AnnualSetting.objects.filter(jurisdiction=jurisdiction, year=year).first()
    return setting.budget_total if setting else None


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def fund_message(jurisdiction, year: int, needed: Decimal) -> str | None:
    """The refusal when `needed` exceeds the jurisdiction's fund total for `year`, else None."""
    total = fund_total(jurisdiction, year)
    if total is None or needed <= total:
        return None
    return _(
        "%(jurisdiction)s's projects for %(year)s would need %(sum)s yuan, more than its "
        "prevention fund total of %(total)s yuan for the year (HB §6)."
    ) % {
        "jurisdiction": jurisdiction.name,
        "year": year,
        "sum": _amount(needed),
        "total": _amount(total),
    }


def fund_check(jurisdiction, year: int, needed: Decimal, field: str | None = None) -> None:
    message = fund_message(jurisdiction, year, needed)
    if message:
        raise ValidationError({field: message} if field else message)
