from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import form_add_service_errors
from apps.core.lists import city_choices, list_page

from . import selectors, services
from .api.views import DeadlineFilter
from .forms import HolidayScheduleForm
from .models import Deadline, DeadlineStatus, HolidaySchedule, Notification

YEARS = range(2000, 2101)


#: the columns both lists of "my deadlines" sort by
MINE_SORTS = {
    "due": "due_on",
    "rule": ("rule__label", "rule__code"),
    "city": "jurisdiction__code",
    "subject": "subject_label",
}
MINE_SEARCH = ("subject_label", "rule__label", "rule__code")
#: two lists on one page: 25 rows each until the user picks another size
MINE_PAGE = 25


def _mine_listing(request, queryset, prefix: str):
    return list_page(
        request,
        queryset,
        filterset_class=DeadlineFilter,
        city_field="jurisdiction__code",
        search=MINE_SEARCH,
        sorts=MINE_SORTS,
        default_sort="due",
        prefix=prefix,
        per_page=MINE_PAGE,
        keys_first=selectors.deadline_rows,
    )


@login_required
def deadline_mine(request):
    """Overdue and upcoming deadlines, each list sorted and paged on its own
    (`?overdue_page=N&overdue_sort=-due`, `?upcoming_…`), one search box and filter for both:
    a province office with thousands of duties reads one page of each, in a fixed number of
    queries."""
    today = timezone.localdate()
    overdue = _mine_listing(
        request, selectors.deadlines_overdue(user=request.user, today=today), "overdue_"
    )
    upcoming = _mine_listing(
        request, selectors.deadlines_upcoming(user=request.user, today=today), "upcoming_"
    )
    return render(
        request,
        "deadlines/mine.html",
        {
            "overdue": overdue,
            "upcoming": upcoming,
            "listing": overdue,  # the search box and filters (shared by both lists)
            "cities": city_choices(request.user),
            "statuses": DeadlineStatus.choices,
            "today": today,
            "upcoming_days": selectors.UPCOMING_DAYS,
            "unread": selectors.unread_notification_count(user=request.user),
        },
    )


@login_required
def deadline_detail(request, pk):
    try:
        deadline = selectors.deadline_get(user=request.user, pk=pk)
    except Deadline.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request, "deadlines/detail.html", {"deadline": deadline, "today": timezone.localdate()}
    )


def _holiday_administrator(request) -> None:
    if not selectors.may_edit_holiday_schedules(request.user):
        raise PermissionDenied


@login_required
def holiday_schedule_list(request):
    _holiday_administrator(request)
    first, last = selectors.calendar_library_years()
    # A few dozen years at most, computed (entered schedules and the calendar data's years):
    # through the list helper as a plain list, for the same search, sort and pager as
    # every list.
    listing = list_page(
        request,
        selectors.holiday_schedule_list(),
        search=("year", "schedule.source"),
        sorts={"year": "year", "source": ("source", "year")},
        default_sort="-year",
    )
    return render(
        request,
        "deadlines/holiday_list.html",
        {"listing": listing, "library_first": first, "library_last": last},
    )


def _initial(schedule: HolidaySchedule | None) -> dict:
    if schedule is None:
        return {}
    return {
        "holidays": "\n".join(schedule.holidays),
        "working_weekends": "\n".join(schedule.working_weekends),
        "source": schedule.source,
    }


@login_required
def holiday_schedule_edit(request, year):
    _holiday_administrator(request)
    if year not in YEARS:
        raise Http404
    schedule = selectors.holiday_schedule_get(year=year)
    form = HolidayScheduleForm(request.POST or None, initial=_initial(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            services.holiday_schedule_save(user=request.user, year=year, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The holiday schedule of %(year)s is saved.") % {"year": year}
            )
            return redirect("deadlines:holidays")
    return render(
        request,
        "deadlines/holiday_form.html",
        {"form": form, "year": year, "schedule": schedule},
    )


@login_required
def notification_list(request):
    listing = list_page(
        request,
        selectors.notification_list(user=request.user),
        search=("message",),
        sorts={"created": "created_at", "kind": "kind", "read": "read_at"},
        default_sort="-created",
    )
    return render(request, "deadlines/notification_list.html", {"listing": listing})


@login_required
@require_POST
def notification_read(request, pk):
    try:
        notification = selectors.notification_get(user=request.user, pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    services.notification_mark_read(user=request.user, notification=notification)
    if request.htmx:
        return render(request, "deadlines/_notification_row.html", {"n": notification})
    return redirect("deadlines:notifications")


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("deadlines:notifications")
