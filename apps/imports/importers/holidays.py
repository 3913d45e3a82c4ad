"""节假日安排 — a province user administrator imports a year's holiday schedule as the State
Council announced it: one row per day off or adjusted working weekend (调休上班). It replaces
the calendar library's data for that year (`apps.deadlines.services.holiday_schedule_save`)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.deadlines.services import holiday_schedule_save

from ..registry import ImportColumn, Importer, importer_register
from .common import is_province_user_admin

# The rows keep the schedule's own words (the State Council notice's), shown as such in the preview.
HOLIDAY, WORKING = "放假", "调休上班"
HOLIDAY_WORDS = {HOLIDAY, "休", "holiday"}
WORKING_WORDS = {WORKING, "上班", "班", "working"}


def _read(row, context):
    values = row.values
    try:
        day = datetime.date.fromisoformat(values["date"])
    except ValueError:
        row.error("date", _("Write the date as YYYY-MM-DD."))
        day = None
    values["date"] = day.isoformat() if day else values["date"]
    kind = values["kind"].lower()
    if kind in HOLIDAY_WORDS:
        values["kind"] = HOLIDAY
    elif kind in WORKING_WORDS:
        values["kind"] = WORKING
        if day and day.weekday() < 5:
            row.error("date", _("An adjusted working day (调休上班) is a Saturday or Sunday."))
    elif kind:
        row.error("kind", _("Write 放假 or 调休上班."))


def _check(rows, context):
    seen = {}
    for row in rows:
        day = row.values["date"]
        if day in seen:
            row.error("date", _("Also in row %(row)d of this file.") % {"row": seen[day]})
        seen.setdefault(day, row.number)
    years = sorted({r.values["date"][:4] for r in rows if not r.errors})
    if len(years) > 1:
        for row in rows:
            if row.values["date"][:4] != years[0]:
                row.error(
                    "date",
                    _("One import is one year's schedule; this row is of %(year)s.")
                    % {"year": row.values["date"][:4]},
                )


def _apply(rows, context) -> dict:
    holidays = sorted(r.values["date"] for r in rows if r.values["kind"] == HOLIDAY)
    working = sorted(r.values["date"] for r in rows if r.values["kind"] == WORKING)
    year = int(rows[0].values["date"][:4])
    holiday_schedule_save(
        user=context.user,
        year=year,
        holidays=holidays,
        working_weekends=working,
        source=context.source,
    )
    return {"year": year, "holidays": len(holidays), "working_weekends": len(working)}


HOLIDAYS = importer_register(
    Importer(
        kind="holidays",
        label=gettext_lazy("Holiday schedule"),
        description=gettext_lazy(
            "One year's days off and adjusted working weekends as the State Council announced "
            "them; they replace the calendar's data for that year and decide every deadline."
        ),
        columns=(
            ImportColumn("date", gettext_lazy("Date"), required=True, example="2027-02-08"),
            ImportColumn(
                "kind",
                gettext_lazy("Day off or working (放假/调休上班)"),
                required=True,
                example="放假",
                width=24,
            ),
            ImportColumn("name", gettext_lazy("Holiday"), example="春节"),
        ),
        may_import=is_province_user_admin,
        read_row=_read,
        check_rows=_check,
        apply=_apply,
        needs_source=True,
        max_rows=400,
    )
)
