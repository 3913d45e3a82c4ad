"""Checking an expert's score sheet against the rubric: only the allowed choices, a score
inside the chosen level's range and on the step, a comment at the bottom level, a written
reason to depart from a computed score, bonus within its items, expert vetoes with reasons.

Input shape (what the form and the API send)::

    scores = {"2.3": {"level": "basic", "score": "4.5", "comment": ""},
              "1.2②": {"score": "2", "override_reason": "…"}}
    bonus = {"7.1②": "2"}
    bonus_reasons = {"7.1③": "why the computed bonus does not apply"}
    vetoes = {"7.3①": "the reason"}

A computed bonus item (7.1③) left blank takes the platform's value; other points need a reason.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .computed import computed_bonus, computed_scores
from .models import ItemScore
from .rubric import ZERO, Rubric, SheetRow


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _check_on_step(rubric: Rubric, score: Decimal, errors: list) -> None:
    if score % rubric.step:
        errors.append(_("Scores go in steps of %(step)s.") % {"step": rubric.step})


def _level_row(rubric: Rubric, row: SheetRow, entry: dict, errors: list):
    level = row.level(entry.get("level") or "")
    if level is None:
        errors.append(_("Choose one of the levels of the standard."))
        return "", None
    if not level.is_range:
        return level.code, level.low
    score = _number(entry.get("score"))
    if score is None or not level.low <= score <= level.high:
        errors.append(
            _("For “%(level)s” give a score from %(low)s to %(high)s.")
            % {"level": level.label, "low": level.low, "high": level.high}
        )
        return level.code, None
    _check_on_step(rubric, score, errors)
    return level.code, score


def _free_score(rubric: Rubric, row: SheetRow, entry: dict, errors: list) -> Decimal | None:
    score = _number(entry.get("score"))
    if score is None or not ZERO <= score <= row.maximum:
        errors.append(_("Give a score from 0 to %(max)s.") % {"max": row.maximum})
        return None
    _check_on_step(rubric, score, errors)
    return score


def _row_score(rubric: Rubric, row: SheetRow, entry: dict, computed, errors: list) -> ItemScore:
    comment = (entry.get("comment") or "").strip()
    reason = (entry.get("override_reason") or "").strip()
    if row.kind == "counted":
        level_code = ""
        given = entry.get("score")
        score = computed.score if given in (None, "") else _free_score(rubric, row, entry, errors)
    elif computed is not None and not entry.get("level"):
        level_code, score = computed.level_code, computed.score
    else:
        level_code, score = _level_row(rubric, row, entry, errors)
    departs = computed is not None and score is not None and score != computed.score
    if departs and not reason:
        errors.append(
            _("The platform computed %(computed)s; give a reason for scoring otherwise.")
            % {"computed": computed.score}
        )
    bottom = row.bottom_level
    if computed is None and bottom and level_code == bottom.code and not comment:
        errors.append(_("A comment is required when an indicator scores at the bottom level."))
    return ItemScore(
        item_code=row.code,
        level_code=level_code,
        score=score if score is not None else ZERO,
        computed_score=computed.score if computed else None,
        override_reason=reason if departs else "",
        comment=comment,
    )


def bonus_effective(rubric: Rubric, application, bonus: dict, reasons: dict) -> dict:
    """The bonus as it counts: what the expert gave, and for a computed item left blank the
    platform's points. Raises a ValidationError keyed by the item when the expert departs
    from a computed item without a reason."""
    result = {code: value for code, value in bonus.items() if value not in (None, "")}
    errors = {}
    for code, computed in computed_bonus(rubric, application).items():
        given = result.get(code)
        if given is None:
            if computed.score:
                result[code] = str(computed.score)
            continue
        points = _number(given)
        if points is not None and points != computed.score and not reasons.get(code, "").strip():
            errors[code] = [
                _("The platform computed %(computed)s; give a reason for other points.")
                % {"computed": computed.score}
            ]
    if errors:
        raise ValidationError(errors)
    return result


def _bonus_errors(rubric: Rubric, bonus: dict) -> dict:
    errors = {}
    for code, value in bonus.items():
        if value in (None, "", "0"):
            continue
        item = rubric.bonus_item(code)
        points = _number(value)
        if item is None:
            errors[code] = [_("There is no bonus item %(code)s.") % {"code": code}]
        elif points is None or not item.low <= points <= item.high:
            errors[code] = [
                _("Give %(low)s to %(high)s points, or none.")
                % {"low": item.low, "high": item.high}
            ]
        elif points % rubric.step:
            errors[code] = [_("Scores go in steps of %(step)s.") % {"step": rubric.step}]
    return errors


def _veto_errors(rubric: Rubric, vetoes: dict) -> dict:
    allowed = {veto.code for veto in rubric.expert_vetoes}
    errors = {}
    for code, reason in vetoes.items():
        if code not in allowed:
            errors[code] = [_("%(code)s is not a veto an expert declares.") % {"code": code}]
        elif reason is not None and not str(reason).strip():
            errors[code] = [_("Say why the veto applies.")]
    return errors


def sheet_validate(
    *,
    rubric: Rubric,
    assignment,
    scores: dict,
    bonus: dict,
    vetoes: dict,
    complete: bool,
    bonus_reasons: dict | None = None,
) -> list[ItemScore]:
    """The sheet's rows ready to save, or a ValidationError keyed by row code. A complete
    sheet (on submission) needs every row; a partial save keeps what is filled in."""
    computed = computed_scores(rubric, assignment.application)
    errors, rows = {}, []
    unknown = sorted(set(scores) - {row.code for row in rubric.rows})
    for code in unknown:
        errors[code] = [_("There is no indicator %(code)s in this rubric.") % {"code": code}]
    for row in rubric.rows:
        entry = scores.get(row.code) or {}
        filled = any(entry.get(key) not in (None, "") for key in ("level", "score"))
        if not filled and row.code not in computed:
            if complete:
                errors[row.code] = [_("Score this indicator.")]
            continue
        row_errors = []
        item = _row_score(rubric, row, entry, computed.get(row.code), row_errors)
        if row_errors:
            errors[row.code] = row_errors
        else:
            rows.append(item)
    errors |= _bonus_errors(rubric, bonus)
    try:
        bonus_effective(rubric, assignment.application, bonus, bonus_reasons or {})
    except ValidationError as error:
        errors |= error.message_dict
    errors |= _veto_errors(rubric, {k: v for k, v in vetoes.items() if v is not None})
    if errors:
        raise ValidationError(errors)
    return rows
