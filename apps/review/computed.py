"""Items the platform scores from the application's structured data (SZ 1.2, 3.2, 3.3①, and
the bonus 7.1③ from the application's insurance-year figures), each with its derivation, so
an expert checks rather than recounts — and overrides only with a written reason.

"Relevant" (工伤预防、安全生产、职业卫生、宣传培训等方面) is decided by the rubric's list of
field keywords against the field the applicant gave for the title, degree or experience; the
derivation says when a person's field did not match, which is where an expert may disagree.
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.applications.models import DegreeLevel, TitleLevel

from .rubric import ZERO, BonusItem, Rubric, SheetRow


@dataclass(frozen=True)
class ComputedScore:
    code: str
    score: Decimal
    level_code: str
    derivation: tuple[str, ...]


def _relevant(rubric: Rubric, *texts: str) -> bool:
    return any(keyword in text for text in texts if text for keyword in rubric.relevant_fields)


def _leader(application):
    return next((m for m in application.teammember_set.all() if m.is_leader), None)


def _team(application):
    return [m for m in application.teammember_set.all() if not m.is_leader]


def _field_text(member, attribute: str) -> tuple[str, ...]:
    if attribute == "degree":
        return (member.degree_field,)
    if member.title_level == TitleLevel.QUALIFICATION:
        return (member.title_field, member.qualifications)
    return (member.title_field,)


def _member_points(rubric: Rubric, row: SheetRow, member) -> tuple[Decimal, str]:
    value = getattr(member, row.attribute)
    label = (DegreeLevel if row.attribute == "degree" else TitleLevel)(value).label
    points = row.points.get(value, ZERO)
    fields = "、".join(text for text in _field_text(member, row.attribute) if text) or "—"
    if (
        points
        and row.relevant_fields
        and not _relevant(rubric, *_field_text(member, row.attribute))
    ):
        return ZERO, _("%(name)s: %(level)s (%(field)s) — not a relevant field → 0") % {
            "name": member.name,
            "level": label,
            "field": fields,
        }
    return points, _("%(name)s: %(level)s (%(field)s) → %(points)s") % {
        "name": member.name,
        "level": label,
        "field": fields,
        "points": points,
    }


def _counted_people(rubric: Rubric, row: SheetRow, people) -> tuple[Decimal, list[str]]:
    total, lines = ZERO, []
    for member in people:
        points, line = _member_points(rubric, row, member)
        total += points
        lines.append(line)
    if not people:
        lines.append(_("No such person in the application."))
    if total > row.maximum:
        lines.append(_("Sum %(sum)s, capped at %(cap)s.") % {"sum": total, "cap": row.maximum})
        total = row.maximum
    return total, lines


def _window_start(application, years: int) -> datetime.date:
    closes = timezone.localtime(application.call.closes_at).date()
    try:
        return closes.replace(year=closes.year - years)
    except ValueError:  # 29 February
        return closes.replace(year=closes.year - years, day=28)


def _past_projects(row: SheetRow, application) -> tuple[Decimal, list[str]]:
    since = _window_start(application, row.window_years) if row.window_years else None
    counted, lines = 0, []
    for project in application.pastproject_set.all():
        if since and project.completed_on < since:
            lines.append(
                _("%(name)s (%(date)s) — before %(since)s, not counted")
                % {"name": project.name, "date": project.completed_on, "since": since}
            )
            continue
        counted += 1
        lines.append(
            _("%(name)s (%(date)s) → %(points)s")
            % {"name": project.name, "date": project.completed_on, "points": row.per_unit}
        )
    total = row.per_unit * counted
    if total > row.maximum:
        lines.append(_("%(n)d projects, capped at %(cap)s.") % {"n": counted, "cap": row.maximum})
        total = row.maximum
    if not counted:
        lines.append(_("No past project within the period."))
    return total, lines


def _leader_experience(rubric: Rubric, row: SheetRow, application) -> tuple[bool, list[str]]:
    leader = _leader(application)
    if leader is None:
        return False, [_("The application names no project leader.")]
    enough = leader.years_experience >= row.min_years
    relevant = not row.relevant_fields or _relevant(rubric, leader.experience_field)
    line = _("%(name)s: %(years)d years of experience in %(field)s (at least %(min)d needed)") % {
        "name": leader.name,
        "years": leader.years_experience,
        "field": leader.experience_field or "—",
        "min": row.min_years,
    }
    lines = [line]
    if enough and not relevant:
        lines.append(_("The field of the experience is not a relevant one."))
    return enough and relevant, lines


def _team_formed(application) -> tuple[bool, list[str]]:
    team = _team(application)
    if not team:
        return False, [_("No team member besides the project leader.")]
    return True, [_("%(n)d team members besides the project leader.") % {"n": len(team)}]


def computed_score(rubric: Rubric, row: SheetRow, application) -> ComputedScore | None:
    """The platform's score of one row, or None when the row is the expert's judgement."""
    if row.kind == "counted":
        if row.subject == "past_project":
            score, lines = _past_projects(row, application)
        else:
            leader = _leader(application)
            people = [leader] if row.subject == "leader" and leader else []
            if row.subject == "team_member":
                people = _team(application)
            score, lines = _counted_people(rubric, row, people)
        return ComputedScore(row.code, score, "", tuple(lines))
    if row.kind == "yes_no" and row.computed:
        if row.computed == "leader_experience":
            meets, lines = _leader_experience(rubric, row, application)
        elif row.computed == "team_formed":
            meets, lines = _team_formed(application)
        else:
            return None
        return ComputedScore(
            row.code, row.maximum if meets else ZERO, "yes" if meets else "no", tuple(lines)
        )
    return None


def computed_scores(rubric: Rubric, application) -> dict[str, ComputedScore]:
    """Every computable row of the rubric for one application (prefetch teammember_set and
    pastproject_set to keep this to a few queries)."""
    result = {}
    for row in rubric.rows:
        computed = computed_score(rubric, row, application)
        if computed is not None:
            result[row.code] = computed
    return result


def _injury_rate_falling(item: BonusItem, application) -> tuple[bool, list[str]]:
    """SZ 7.1③ 近两年工伤发生率呈下降趋势: the rate (‰) of each of the last `window_years`
    years the application gives is below the year before it — so two years of decline need
    three consecutive years of figures (近三年参保信息, HB §5)."""
    rows = sorted(application.insuranceyear_set.all(), key=lambda row: row.year)
    needed = item.window_years + 1
    lines = [
        _("%(year)s: injury incidence rate %(rate)s‰")
        % {"year": row.year, "rate": row.injury_incidence_rate}
        for row in rows
    ]
    recent = rows[-needed:]
    if len(recent) < needed or recent[-1].year - recent[0].year != needed - 1:
        lines.append(
            _(
                "The application gives no figures for %(n)d consecutive years, so a falling "
                "trend over the last %(years)d years cannot be shown → 0"
            )
            % {"n": needed, "years": item.window_years}
        )
        return False, lines
    falling = all(
        later.injury_incidence_rate < earlier.injury_incidence_rate
        for earlier, later in itertools.pairwise(recent)
    )
    if falling:
        lines.append(
            _("The rate fell every year from %(first)s to %(last)s → %(points)s")
            % {"first": recent[0].year, "last": recent[-1].year, "points": item.high}
        )
    else:
        lines.append(
            _("The rate did not fall every year from %(first)s to %(last)s → 0")
            % {"first": recent[0].year, "last": recent[-1].year}
        )
    return falling, lines


def computed_bonus(rubric: Rubric, application) -> dict[str, ComputedScore]:
    """The bonus items the platform computes (SZ 7.1③), with their derivation; an expert who
    gives other points writes why (prefetch insuranceyear_set)."""
    result = {}
    for item in rubric.bonus_items:
        if item.computed == "injury_rate_falling":
            meets, lines = _injury_rate_falling(item, application)
            result[item.code] = ComputedScore(
                item.code, item.high if meets else ZERO, "yes" if meets else "no", tuple(lines)
            )
    return result
