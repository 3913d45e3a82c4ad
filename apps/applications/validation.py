"""What makes an application complete and well-formed enough to submit (HB §5; SZ P2).

Returns every problem at once, keyed by the field or table it concerns, so the applicant can
fix them all in one pass; `application_submit` refuses while any remain.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from apps.core.money import CENT

from .models import Application

OPTIONAL_NARRATIVE = {"innovation"}
REQUIRED_FIELDS = (
    "project_name",
    "project_type",
    "industry",
    "service_scope",
    "target_groups",
    "start_date",
    "end_date",
    "amount_requested",
    "enterprise_industry",
    *(name for name in Application.NARRATIVE_FIELDS if name not in OPTIONAL_NARRATIVE),
    "awareness_rate",
    "satisfaction_rate",
    "people_covered",
    "commitment_signatory",
)
INSURANCE_YEARS = 3


def _label(application, name) -> str:
    return str(application._meta.get_field(name).verbose_name)


def _check_required(application, errors) -> None:
    for name in REQUIRED_FIELDS:
        value = getattr(application, name + "_id" if name == "industry" else name)
        if value in (None, ""):
            errors[name].append(
                _("“%(field)s” is required.") % {"field": _label(application, name)}
            )
    if application.project_type == "training" and application.pass_rate is None:
        errors["pass_rate"].append(_("Training projects state a target exam pass rate."))
    if not application.commitment_accepted:
        errors["commitment_accepted"].append(_("Accept the applicant's commitment."))
    if not application.sealed:
        errors["sealed"].append(_("The form must be signed and sealed."))
    if application.pk and not application.service_industries.exists():
        errors["service_industries"].append(
            _("Name the industries of the service scope and target groups (SZ P3②).")
        )


def _check_dates(application, stages, errors) -> None:
    start, end, year = application.start_date, application.end_date, application.call.year
    if start and start.year != year:
        errors["start_date"].append(
            _("The project must start in the call's project year %(year)d.") % {"year": year}
        )
    if start and end and end < start:
        errors["end_date"].append(_("The end date is before the start date."))
    if not stages:
        errors["stages"].append(_("Give at least one plan stage with dates and its goal."))
    for stage in stages:
        if stage.end_date < stage.start_date:
            errors["stages"].append(
                _("Stage “%(name)s” ends before it starts.") % {"name": stage.name}
            )
        if start and end and (stage.start_date < start or stage.end_date > end):
            errors["stages"].append(
                _("Stage “%(name)s” (%(s)s–%(e)s) lies outside the project dates.")
                % {"name": stage.name, "s": stage.start_date, "e": stage.end_date}
            )


def _check_budget(application, lines, errors) -> None:
    if not lines:
        errors["budget"].append(_("Give the budget list."))
        return
    total = Decimal("0")
    for line in lines:
        expected = (line.unit_cost * line.quantity).quantize(CENT)
        if line.amount != expected:
            errors["budget"].append(
                _("“%(item)s”: %(cost)s × %(qty)s = %(expected)s, not %(amount)s.")
                % {
                    "item": line.item,
                    "cost": line.unit_cost,
                    "qty": line.quantity,
                    "expected": expected,
                    "amount": line.amount,
                }
            )
        total += line.amount
        start, end = application.start_date, application.end_date
        if line.spend_year and start and end and not start.year <= line.spend_year <= end.year:
            errors["budget"].append(
                _(
                    "“%(item)s”: the year of spending %(year)s lies outside the project's years "
                    "%(first)s–%(last)s."
                )
                % {
                    "item": line.item,
                    "year": line.spend_year,
                    "first": start.year,
                    "last": end.year,
                }
            )
    requested = application.amount_requested
    if requested is not None and total != requested:
        errors["budget"].append(
            _("The budget lines add up to %(total)s yuan, but %(requested)s yuan is requested.")
            % {"total": total, "requested": requested}
        )
    limit = application.call.max_amount_per_application
    if requested is not None and requested > limit:
        errors["amount_requested"].append(
            _("%(requested)s yuan exceeds the call's limit of %(limit)s yuan per application.")
            % {"requested": requested, "limit": limit}
        )


def _check_background(application, years, errors) -> None:
    call_year = application.call.year
    distinct = sorted({row.year for row in years})
    window = range(call_year - 4, call_year)
    if len(distinct) < INSURANCE_YEARS or any(y not in window for y in distinct):
        errors["insurance_years"].append(
            _("Give the insurance figures of three years between %(a)d and %(b)d.")
            % {"a": window.start, "b": window.stop - 1}
        )


def _check_team(members, errors) -> None:
    leaders = [m for m in members if m.is_leader]
    if len(leaders) != 1:
        errors["team"].append(_("Name exactly one project leader."))


def application_problems(application, *, stages, lines, years, members) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    _check_required(application, errors)
    _check_dates(application, stages, errors)
    _check_budget(application, lines, errors)
    _check_background(application, years, errors)
    _check_team(members, errors)
    return dict(errors)
