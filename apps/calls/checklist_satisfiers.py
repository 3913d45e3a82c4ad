"""How a call meets the items of its publication checklist (HB §4; SZ P1③, P3)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.checklists.engine import Satisfaction, satisfier


def _text(call) -> Satisfaction:
    met = bool(call.title.strip() and call.body.strip())
    return Satisfaction(met, "" if met else _("Write the title and the text of the announcement."))


def _key_industries(call) -> Satisfaction:
    names = [i.name for i in call.key_industries.all()] if call.pk else []
    return Satisfaction(bool(names), "、".join(names) or _("None chosen."))


def _project_types(call) -> Satisfaction:
    return Satisfaction(bool(call.allowed_types), "、".join(call.allowed_types) or _("None."))


def _budget(call) -> Satisfaction:
    met = bool(call.budget_total and call.max_amount_per_application)
    met = met and call.max_amount_per_application <= call.budget_total
    return Satisfaction(met, f"{call.budget_total} / {call.max_amount_per_application}")


def _per_applicant(call) -> Satisfaction:
    return Satisfaction(
        bool(call.max_applications_per_applicant), str(call.max_applications_per_applicant)
    )


def _window(call) -> Satisfaction:
    met = bool(call.opens_at and call.closes_at) and call.opens_at < call.closes_at
    met = met and call.closes_at > timezone.now()
    detail = _("The deadline has already passed; change it before publishing.")
    return Satisfaction(met, "" if met else detail)


def _rubric(call) -> Satisfaction:
    from apps.review.rubric import rubric_title

    return Satisfaction(bool(call.rubric_code), rubric_title(call.rubric_code) or _("None chosen."))


def _targets(call) -> Satisfaction:
    rates = (call.min_awareness_rate, call.min_pass_rate, call.min_satisfaction_rate)
    return Satisfaction(all(r is not None for r in rates))


CHECKS = {
    "text": _text,
    "key_industries": _key_industries,
    "project_types": _project_types,
    "budget": _budget,
    "per_applicant": _per_applicant,
    "window": _window,
    "rubric": _rubric,
    "targets": _targets,
}


@satisfier("call_record")
def call_record(call, value: str, context: dict) -> Satisfaction:
    return CHECKS[value](call)
