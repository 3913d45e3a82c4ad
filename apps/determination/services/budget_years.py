"""Budget lines per calendar year (HB §8): created by days of the schedule at filing, re-split
by the office with a reason, re-planned after an adjustment; a closed year's line never moves."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.projects.models import Project

from ..budget import split_by_days, year_closed
from ..models import (
    BudgetResplit,
    BudgetYear,
)
from .common import _check_own_level, _money, _required


def _budget_years_create(project: Project, start, end) -> list[BudgetYear]:
    return [
        BudgetYear.objects.create(
            project=project, year=share.year, days=share.days, amount=share.amount
        )
        for share in split_by_days(project.budget_amount, start, end)
    ]


@transaction.atomic
def budget_years_resplit(
    *, user, project: Project, amounts: dict, reason: str, today: datetime.date | None = None
) -> BudgetResplit:
    """The office re-splits a project's budget between its years, with a reason. The lines
    keep adding up to the approved amount, and a closed year's line does not move (no
    carry-over, see `budget.py`)."""
    _check_own_level(user, project.jurisdiction, Role.OFFICE)
    today = today or timezone.localdate()
    lines = {line.year: line for line in BudgetYear.unscoped.filter(project=project)}
    errors: dict = {}
    reason = _required(errors, "reason", reason, _("Give the reason for the new split."))
    if set(amounts) != set(lines):
        errors["__all__"] = _("Give an amount for each year of the schedule: %(years)s.") % {
            "years": "、".join(str(y) for y in sorted(lines))
        }
        raise ValidationError(errors)
    new = {}
    for year, value in amounts.items():
        amount = _money(value, f"year-{year}", errors)
        if amount is None:
            continue
        if year_closed(year, today) and amount != lines[year].amount:
            errors[f"year-{year}"] = _(
                "%(year)s is closed: its budget line stays %(amount)s yuan. Money of a closed "
                "year is not carried over to another year (HB §8)."
            ) % {"year": year, "amount": lines[year].amount}
        new[year] = amount
    if not errors:
        total = sum(new.values(), Decimal("0"))
        if total != project.budget_amount:
            errors["__all__"] = _(
                "The years add up to %(total)s yuan; they must add up to the approved amount "
                "of %(approved)s yuan exactly."
            ) % {"total": total, "approved": project.budget_amount}
    if errors:
        raise ValidationError(errors)
    before = {str(y): str(line.amount) for y, line in sorted(lines.items())}
    for year, line in lines.items():
        if line.amount != new[year]:
            line.amount = new[year]
            line.save(update_fields=["amount"])
    return BudgetResplit.objects.create(
        project=project,
        before=before,
        after={str(y): str(a) for y, a in sorted(new.items())},
        reason=reason,
        changed_by=user,
        changed_at=timezone.now(),
    )


def _budget_years_replan(project: Project, start, end, today: datetime.date) -> None:
    """After an adjustment changed amount or schedule: closed years keep their lines, the rest
    of the approved amount is shared over the open years of the new schedule by days."""
    lines = {line.year: line for line in BudgetYear.unscoped.filter(project=project)}
    closed = {y: line for y, line in lines.items() if year_closed(y, today)}
    spent = sum((line.amount for line in closed.values()), Decimal("0"))
    first_open = max(start, datetime.date(today.year, 1, 1))
    remaining = project.budget_amount - spent
    if remaining < 0 or (remaining > 0 and first_open > end):
        raise ValidationError(
            _(
                "The closed years already hold %(spent)s yuan; the new amount and schedule "
                "cannot be met without moving money of a closed year (HB §8)."
            )
            % {"spent": spent}
        )
    shares = split_by_days(remaining, first_open, end) if first_open <= end else []
    for year, line in lines.items():
        if year not in closed:
            line.delete()
    for share in shares:
        BudgetYear.objects.create(
            project=project, year=share.year, days=share.days, amount=share.amount
        )
