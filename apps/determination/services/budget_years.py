"""Budget lines per calendar year (HB §8): created at filing from the applicant's spending plan
(or by days of the schedule), changed only through an exception the HRSS department approves
(a re-split or a carry-over, with its reason), re-planned after an adjustment."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.workflow import transition_apply
from apps.projects.models import Project

from ..budget import split_by_days, split_by_plan, year_closed
from ..models import (
    BudgetException,
    BudgetExceptionKind,
    BudgetExceptionStatus,
    BudgetResplit,
    BudgetYear,
)
from ..workflow import BUDGET_EXCEPTION_WORKFLOW
from .common import _check_own_level, _money, _required


def _spending_plan(application) -> dict[int, Decimal] | None:
    """{year: planned yuan} from the budget list, when every line gives its year of spending."""
    lines = list(application.budgetline_set.all()) if application is not None else []
    if not lines or any(line.spend_year is None for line in lines):
        return None
    planned: dict[int, Decimal] = {}
    for line in lines:
        planned[line.spend_year] = planned.get(line.spend_year, Decimal("0")) + line.amount
    return planned


def _budget_years_create(project: Project, start, end, application=None) -> str:
    """Creates the budget lines and returns how they were split, for the filed record."""
    plan = _spending_plan(application)
    shares = split_by_plan(project.budget_amount, start, end, plan) if plan else None
    if shares is not None:
        basis = _(
            "Split by the applicant's spending plan (the budget list's year of spending, HB §8): "
            "%(plan)s."
        ) % {"plan": "、".join(f"{year}: {amount:,.2f}" for year, amount in sorted(plan.items()))}
    else:
        shares = split_by_days(project.budget_amount, start, end)
        if len(shares) == 1:
            basis = _("The project runs within one year: one budget line.")
        elif plan:
            basis = _(
                "The spending plan names a year outside the schedule, so the amount is split by "
                "scheduled days in each year instead."
            )
        else:
            basis = _(
                "The application gives no year of spending for its budget lines, so the amount "
                "is split by scheduled days in each year instead of by a spending plan (HB §8)."
            )
    for share in shares:
        BudgetYear.objects.create(
            project=project, year=share.year, days=share.days, amount=share.amount
        )
    return basis


def _lines(project: Project) -> dict:
    return {line.year: line for line in BudgetYear.unscoped.filter(project=project)}


def _as_json(amounts: dict) -> dict:
    return {str(year): str(amount) for year, amount in sorted(amounts.items())}


@transaction.atomic
def budget_years_resplit(
    *, user, project: Project, amounts: dict, reason: str, today: datetime.date | None = None
) -> BudgetException:
    """The office asks to move money between a project's budget years, with a reason. HB §8
    allows neither a budget change nor a carry-over in principle (原则上不得调整及跨年结转),
    so the new split is a `BudgetException` request: nothing changes until the HRSS department
    of the same level approves it (`budget_exception_decide`). The lines keep adding up to the
    approved amount; lowering a closed year's line in favour of a later one is a carry-over
    (its own kind of exception); raising a closed year is refused — past spending is not
    re-planned."""
    _check_own_level(user, project.jurisdiction, Role.OFFICE)
    today = today or timezone.localdate()
    lines = _lines(project)
    errors: dict = {}
    reason = _required(errors, "reason", reason, _("Give the reason for the new split."))
    if set(amounts) != set(lines):
        errors["__all__"] = _("Give an amount for each year of the schedule: %(years)s.") % {
            "years": "、".join(str(y) for y in sorted(lines))
        }
        raise ValidationError(errors)
    new, carried = {}, False
    for year, value in amounts.items():
        amount = _money(value, f"year-{year}", errors)
        if amount is None:
            continue
        if year_closed(year, today) and amount > lines[year].amount:
            errors[f"year-{year}"] = _(
                "%(year)s is closed: its budget line of %(amount)s yuan cannot be raised; "
                "spending of a past year is not re-planned (HB §8)."
            ) % {"year": year, "amount": lines[year].amount}
        elif year_closed(year, today) and amount < lines[year].amount:
            carried = True
        new[year] = amount
    if not errors:
        total = sum(new.values(), Decimal("0"))
        if total != project.budget_amount:
            errors["__all__"] = _(
                "The years add up to %(total)s yuan; they must add up to the approved amount "
                "of %(approved)s yuan exactly."
            ) % {"total": total, "approved": project.budget_amount}
        elif all(new[year] == line.amount for year, line in lines.items()):
            errors["__all__"] = _("The new split is the same as the current one.")
    if BudgetException.unscoped.filter(
        project=project, status=BudgetExceptionStatus.REQUESTED
    ).exists():
        errors["__all__"] = _(
            "A change of this project's budget years already awaits the HRSS department's "
            "decision; wait for it first."
        )
    if errors:
        raise ValidationError(errors)
    return BudgetException.objects.create(
        project=project,
        kind=BudgetExceptionKind.CARRY_OVER if carried else BudgetExceptionKind.RESPLIT,
        reason=reason,
        before=_as_json({y: line.amount for y, line in lines.items()}),
        after=_as_json(new),
        requested_by=user,
        requested_at=timezone.now(),
    )


@transaction.atomic
def budget_exception_decide(
    *, user, exception: BudgetException, approve: bool, note: str = ""
) -> BudgetException:
    """The HRSS department of the project's level approves the exception — the new split
    takes effect and is kept as a re-split record — or refuses it with its reason."""
    now = timezone.now()
    if approve:
        current = _as_json({y: line.amount for y, line in _lines(exception.project).items()})
        if current != exception.before:
            raise ValidationError(
                _(
                    "The budget years changed since the request (now %(now)s); the office "
                    "requests the change again."
                )
                % {"now": "、".join(f"{y}: {a}" for y, a in current.items())}
            )
    transition_apply(
        table=BUDGET_EXCEPTION_WORKFLOW,
        instance=exception,
        action="approve" if approve else "refuse",
        user=user,
        note=note,
        changes={"decided_by": user, "decided_at": now, "decision_note": note.strip()},
    )
    if approve:
        for year, line in _lines(exception.project).items():
            amount = Decimal(exception.after[str(year)])
            if line.amount != amount:
                line.amount = amount
                line.save(update_fields=["amount"])
        BudgetResplit.objects.create(
            project=exception.project,
            before=exception.before,
            after=exception.after,
            reason=exception.reason,
            changed_by=exception.requested_by,
            changed_at=now,
        )
    return exception


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
