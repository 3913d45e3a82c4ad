from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import form_add_service_errors
from apps.core.lists import list_page

from . import selectors, services
from .forms import HolidayScheduleForm
from .models import Deadline, HolidaySchedule, Notification

YEARS = range(2000, 2101)


MINE_PAGE = 50


@login_required
def deadline_mine(request):
    """Overdue and upcoming deadlines, each list paged on its own (`?overdue=N`,
    `?upcoming=N`): a province office with thousands of duties reads one page of each."""
    today = timezone.localdate()
    overdue = Paginator(selectors.deadlines_overdue(user=request.user, today=today), MINE_PAGE)
    upcoming = Paginator(selectors.deadlines_upcoming(user=request.user, today=today), MINE_PAGE)
    return render(
        request,
        "deadlines/mine.html",
        {
            "overdue": overdue.get_page(request.GET.get("overdue")),
            "upcoming": upcoming.get_page(request.GET.get("upcoming")),
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
    return render(
        request,
        "deadlines/holiday_list.html",
        {
            "years": selectors.holiday_schedule_list(),
            "library_first": first,
            "library_last": last,
        },
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
