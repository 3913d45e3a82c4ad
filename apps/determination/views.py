"""Pages of determination and filing, budget years, the annual arrangement and adjustments.
Thin: parse the request, call a selector or a service, render."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind, Role
from apps.core.forms import messages_add_service_errors, service_error_dict
from apps.core.lists import city_choices, list_page
from apps.jurisdictions.models import Jurisdiction

from . import exports, selectors, services
from .api.views import AdjustmentFilter, ArrangementFilter
from .models import (
    AdjustmentGround,
    AdjustmentKind,
    AdjustmentStatus,
    ArrangementStatus,
    DeterminationStatus,
)

GOVERNMENT_READERS = {Role.OFFICE, Role.HRSS, Role.MEMBER_UNIT}
ATTENDEE_ROWS = 8
CHAIN = [
    (DeterminationStatus.PROPOSED, _("City proposal")),
    (DeterminationStatus.MEETING_HELD, _("Joint meeting")),
    (DeterminationStatus.SUBMITTED, _("HRSS approval")),
    (DeterminationStatus.APPROVED, _("Approved")),
    (DeterminationStatus.FILED, _("Filed")),
]


def _require_reader(user) -> None:
    if not user.is_superuser and user.role not in GOVERNMENT_READERS:
        raise PermissionDenied


def _get_or_404(getter, **kwargs):
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- index and board -----------------------------------------------------------------------


@login_required
def determination_index(request):
    _require_reader(request.user)
    return render(
        request,
        "determination/index.html",
        {
            "calls": selectors.determination_calls(user=request.user),
            "arrangements": selectors.arrangements(user=request.user),
        },
    )


@login_required
def determination_board(request, call_pk):
    _require_reader(request.user)
    call = _get_or_404(selectors.call_get, user=request.user, pk=call_pk)
    determination = selectors.determination_for_call(user=request.user, call=call)
    context = {
        "call": call,
        "determination": determination,
        "chain": CHAIN,
        "may_propose": determination is None
        and (
            request.user.is_superuser
            or (
                request.user.role == Role.OFFICE
                and request.user.organisation.jurisdiction_id == call.jurisdiction_id
            )
        ),
    }
    if determination is not None:
        reached = [s for s, _label in CHAIN]
        status = determination.status
        if status not in reached:  # returned: back at the approval step
            status = DeterminationStatus.SUBMITTED
        position = reached.index(status)
        context |= {
            "position": position,
            "entries": selectors.entries_of(determination),
            "meetings": selectors.meetings_of(determination),
            "approvals": determination.approvals.select_related("decided_by"),
            "actions": selectors.next_actions(user=request.user, determination=determination),
            "filed": selectors.filed_projects_of(user=request.user, determination=determination),
        }
    return render(request, "determination/board.html", context)


@login_required
@require_POST
def determination_propose(request, call_pk):
    _require_reader(request.user)
    call = _get_or_404(selectors.call_get, user=request.user, pk=call_pk)
    try:
        services.determination_propose(user=request.user, call=call)
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(request, _("The proposal is drafted from the review's ranking."))
    return redirect("determination:board", call_pk=call.pk)


ACTIONS = {
    "submit": (services.determination_submit, _("Submitted to the HRSS department.")),
    "revise": (services.determination_revise, _("A new revision of the proposal is drafted.")),
    "file": (services.determination_file, _("The approved projects are filed.")),
}


@login_required
@require_POST
def determination_action(request, call_pk, action):
    _require_reader(request.user)
    call = _get_or_404(selectors.call_get, user=request.user, pk=call_pk)
    determination = selectors.determination_for_call(user=request.user, call=call)
    if determination is None or action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(user=request.user, determination=determination)
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("determination:board", call_pk=call.pk)


def _determination_or_404(request, call_pk):
    _require_reader(request.user)
    call = _get_or_404(selectors.call_get, user=request.user, pk=call_pk)
    determination = selectors.determination_for_call(user=request.user, call=call)
    if determination is None:
        raise Http404
    return call, determination


@login_required
def determination_meeting(request, call_pk):
    call, determination = _determination_or_404(request, call_pk)
    if "record_meeting" not in selectors.next_actions(
        user=request.user, determination=determination
    ):
        raise PermissionDenied
    units = list(
        Organisation.unscoped.filter(
            kind=OrganisationKind.MEMBER_UNIT, jurisdiction=call.jurisdiction, is_active=True
        ).order_by("name")
    )
    entries = list(selectors.entries_of(determination))
    errors = {}
    if request.method == "POST":
        by_id = {str(u.pk): u for u in units}
        attendees = [
            {
                "organisation": by_id.get(request.POST.get(f"att-{i}-organisation", "")),
                "person_name": request.POST.get(f"att-{i}-person", ""),
                "position": request.POST.get(f"att-{i}-position", ""),
            }
            for i in range(ATTENDEE_ROWS)
        ]
        decisions = {}
        for entry in entries:
            choice = request.POST.get(f"entry-{entry.pk}")
            decisions[entry.pk] = {
                "agreed": {"yes": True, "no": False}.get(choice),
                "reason": request.POST.get(f"reason-{entry.pk}", ""),
            }
        try:
            services.determination_record_meeting(
                user=request.user,
                determination=determination,
                held_on=_date(request.POST.get("held_on", "")),
                place=request.POST.get("place", ""),
                minutes=request.POST.get("minutes", ""),
                minutes_upload=request.FILES.get("minutes_file"),
                attendees=attendees,
                decisions=decisions,
            )
        except ValidationError as error:
            errors = service_error_dict(error)
            messages.error(request, _("The meeting was not recorded: see the marked fields."))
        else:
            messages.success(request, _("The joint meeting is recorded."))
            return redirect("determination:board", call_pk=call.pk)
    return render(
        request,
        "determination/meeting_form.html",
        {
            "call": call,
            "determination": determination,
            "units": units,
            "entries": entries,
            "rows": range(ATTENDEE_ROWS),
            "errors": errors,
            "posted": request.POST,
            "today": timezone.localdate(),
        },
    )


@login_required
def determination_approval(request, call_pk):
    call, determination = _determination_or_404(request, call_pk)
    actions = selectors.next_actions(user=request.user, determination=determination)
    if "approve" not in actions:
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        try:
            services.determination_decide(
                user=request.user,
                determination=determination,
                approve=request.POST.get("decision") == "approve",
                opinion=request.POST.get("opinion", ""),
            )
        except ValidationError as error:
            errors = service_error_dict(error)
            messages.error(request, _("The decision was not saved."))
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("determination:board", call_pk=call.pk)
    return render(
        request,
        "determination/approval_form.html",
        {
            "call": call,
            "determination": determination,
            "entries": selectors.entries_of(determination),
            "meeting": selectors.meetings_of(determination).first(),
            "errors": errors,
            "posted": request.POST,
        },
    )


# --- filed project and budget years --------------------------------------------------------


def _labelled(data: dict, skip=()) -> list[tuple[str, object]]:
    """The filed copy's keys as the application form's labels, and its choice values (e.g.
    the project type) as their display — no raw field keys or enum values on the page."""
    from django.core.exceptions import FieldDoesNotExist

    from apps.applications.models import Application

    rows = []
    for key, value in data.items():
        if key in skip or value in (None, "", []):
            continue
        try:
            field = Application._meta.get_field(key)
        except FieldDoesNotExist:  # a key of an older copy: shown as it is
            rows.append((key, value))
            continue
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if field.choices:
            value = dict(field.flatchoices).get(value, value)
        rows.append((label, value))
    return rows


def _years_text(amounts: dict) -> str:
    return "；".join(f"{year}: {Decimal(amount):,.2f}" for year, amount in amounts.items())


def _is_own_hrss(user, project) -> bool:
    return user.role == Role.HRSS and user.organisation.jurisdiction_id == project.jurisdiction_id


def _filed_post(request, project) -> bool:
    """A re-split request by the office, or the HRSS department's decision on one."""
    if request.POST.get("action") == "decide":
        exception = project.budget_exceptions.filter(pk=request.POST.get("exception")).first()
        if exception is None:
            raise Http404
        services.budget_exception_decide(
            user=request.user,
            exception=exception,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The decision is recorded."))
        return True
    amounts = {
        line.year: request.POST.get(f"year-{line.year}", "")
        for line in selectors.budget_years_of(user=request.user, project=project)
    }
    services.budget_years_resplit(
        user=request.user,
        project=project,
        amounts=amounts,
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request,
        _(
            "The new split is requested; it takes effect once the HRSS department of this "
            "level approves it."
        ),
    )
    return True


@login_required
def filed_project(request, pk):
    _require_reader(request.user)
    filed = _get_or_404(selectors.filed_project_get, user=request.user, pk=pk)
    project = filed.project
    errors = {}
    if request.method == "POST":
        try:
            _filed_post(request, project)
        except ValidationError as error:
            errors = service_error_dict(error)
            messages.error(request, _("The split was not changed."))
        else:
            return redirect("determination:filed", pk=filed.pk)
    today = timezone.localdate()
    lines = list(selectors.budget_years_of(user=request.user, project=project))
    exceptions = [
        (exception, _years_text(exception.before), _years_text(exception.after))
        for exception in project.budget_exceptions.select_related("requested_by", "decided_by")
    ]
    return render(
        request,
        "determination/filed_project.html",
        {
            "filed": filed,
            "project": project,
            "feasibility_rows": _labelled(filed.feasibility, skip=("insurance_years",)),
            "target_rows": _labelled(filed.targets),
            "lines": [(line, line.year < today.year) for line in lines],
            "exceptions": exceptions,
            "pending": next((e for e, _b, _a in exceptions if e.status == "requested"), None),
            "may_decide": _is_own_hrss(request.user, project),
            "may_resplit": request.user.is_superuser
            or (
                request.user.role == Role.OFFICE
                and request.user.organisation.jurisdiction_id == project.jurisdiction_id
            ),
            "errors": errors,
            "posted": request.POST,
        },
    )


# --- annual arrangement --------------------------------------------------------------------


def _is_root_office(user) -> bool:
    return (
        user.role == Role.OFFICE
        and user.organisation_id is not None
        and user.organisation.jurisdiction.parent_id is None
    )


@login_required
def arrangement_list(request):
    _require_reader(request.user)
    if request.method == "POST":
        if not (_is_root_office(request.user) or request.user.is_superuser):
            raise PermissionDenied
        province = (
            request.user.organisation.jurisdiction
            if request.user.organisation_id
            else Jurisdiction.objects.filter(parent__isnull=True).first()
        )
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, _("Give the year of the arrangement."))
            return redirect("determination:arrangements")
        try:
            arrangement = services.arrangement_compile(
                user=request.user, province=province, year=year
            )
        except ValidationError as error:
            messages_add_service_errors(request, error)
            return redirect("determination:arrangements")
        messages.success(request, _("The arrangement is compiled from the filed lists."))
        return redirect("determination:arrangement", pk=arrangement.pk)
    visible = selectors.arrangements(user=request.user)
    listing = list_page(
        request,
        visible,
        filterset_class=ArrangementFilter,
        search=("title",),
        sorts={
            "year": "year",
            "title": "title",
            "province": "province__code",
            "status": "status",
            "published": "published_at",
        },
        default_sort="-year",
    )
    return render(
        request,
        "determination/arrangements.html",
        {
            "listing": listing,
            "provinces": Jurisdiction.objects.filter(pk__in=visible.values("province_id")).order_by(
                "code"
            ),
            "statuses": ArrangementStatus.choices,
            "may_compile": request.user.is_superuser or _is_root_office(request.user),
            "next_year": timezone.localdate().year + 1,
        },
    )


@login_required
def arrangement_detail(request, pk):
    _require_reader(request.user)
    arrangement = _get_or_404(selectors.arrangement_get, user=request.user, pk=pk)
    fmt = request.GET.get("export")
    if fmt in ("pdf", "xlsx"):
        return exports.arrangement_response(user=request.user, arrangement=arrangement, fmt=fmt)
    entries = selectors.arrangement_entries(user=request.user, arrangement=arrangement)
    own_root = request.user.is_superuser or (
        _is_root_office(request.user)
        and request.user.organisation.jurisdiction_id == arrangement.province_id
    )
    return render(
        request,
        "determination/arrangement.html",
        {
            "arrangement": arrangement,
            "entries": entries,
            "total": selectors.entries_total(entries)["total"],
            "superseded": selectors.arrangement_entries(
                user=request.user, arrangement=arrangement, current=False
            ),
            "adjustments": selectors.adjustments(user=request.user, arrangement=arrangement),
            "may_publish": own_root and arrangement.status == ArrangementStatus.DRAFT,
            "may_recompile": own_root and arrangement.status == ArrangementStatus.DRAFT,
            "may_adjust": arrangement.status == ArrangementStatus.PUBLISHED
            and (request.user.is_superuser or request.user.role == Role.OFFICE),
        },
    )


@login_required
def arrangement_publish(request, pk):
    """Publishing cannot be undone: GET states what it does, the confirmation's POST does it."""
    _require_reader(request.user)
    arrangement = _get_or_404(selectors.arrangement_get, user=request.user, pk=pk)
    if request.method == "POST" and request.POST.get("confirmed"):
        try:
            services.arrangement_publish(user=request.user, arrangement=arrangement)
        except ValidationError as error:
            messages_add_service_errors(request, error)
        else:
            messages.success(request, _("The arrangement is published."))
        return redirect("determination:arrangement", pk=arrangement.pk)
    return render(
        request,
        "_confirm_step.html",
        {
            "heading": _("Publish the annual arrangement?"),
            "subject": arrangement.title,
            "consequence": _(
                "The arrangement goes on the public pages and its %(count)d projects move on to "
                "procurement (HB §6, §9). A published arrangement is not withdrawn: later "
                "changes are adjustments with the consent of the province member unit (HB §7)."
            )
            % {"count": arrangement.entries.filter(is_current=True).count()},
            "action": reverse("determination:publish", args=[arrangement.pk]),
            "confirm_label": _("Publish"),
            "cancel_url": reverse("determination:arrangement", args=[arrangement.pk]),
        },
    )


# --- adjustments ---------------------------------------------------------------------------


@login_required
def adjustment_list(request):
    _require_reader(request.user)
    listing = list_page(
        request,
        selectors.adjustments(user=request.user),
        filterset_class=AdjustmentFilter,
        city_field="jurisdiction__code",
        search=("number", "subject", "reason", "new_project_name"),
        sorts={
            "number": "number",
            "kind": "kind",
            "subject": "subject",
            "city": "jurisdiction__code",
            "status": "status",
            "requested": "requested_at",
        },
        default_sort="-requested",
    )
    return render(
        request,
        "determination/adjustments.html",
        {
            "listing": listing,
            "cities": city_choices(request.user),
            "kinds": AdjustmentKind.choices,
            "statuses": AdjustmentStatus.choices,
        },
    )


def _organisation_or_none(queryset, value):
    try:
        return queryset.filter(pk=int(value)).first() if value else None
    except ValueError:
        return None


@login_required
def adjustment_new(request, pk):
    _require_reader(request.user)
    if not request.user.is_superuser and request.user.role != Role.OFFICE:
        raise PermissionDenied
    arrangement = _get_or_404(selectors.arrangement_get, user=request.user, pk=pk)
    entries = list(selectors.arrangement_entries(user=request.user, arrangement=arrangement))
    units = Organisation.unscoped.filter(
        kind=OrganisationKind.MEMBER_UNIT, jurisdiction=arrangement.province, is_active=True
    ).order_by("name")
    applicants = Organisation.objects.for_user(request.user).filter(
        kind__in=[OrganisationKind.APPLICANT_ENTERPRISE, OrganisationKind.INDUSTRY_ASSOCIATION],
        is_active=True,
    )
    errors = {}
    if request.method == "POST":
        post = request.POST
        entry = next((e for e in entries if str(e.pk) == post.get("entry")), None)
        try:
            adjustment = services.adjustment_request(
                user=request.user,
                arrangement=arrangement,
                kind=post.get("kind", ""),
                ground=post.get("ground", ""),
                entry=entry,
                subject=post.get("subject", ""),
                before_text=post.get("before_text", ""),
                after_text=post.get("after_text", ""),
                reason=post.get("reason", ""),
                consenting_unit=_organisation_or_none(units, post.get("consenting_unit")),
                new_project_name=post.get("new_project_name", ""),
                new_applicant=_organisation_or_none(applicants, post.get("new_applicant")),
                new_project_type=post.get("new_project_type", ""),
                new_amount=post.get("new_amount") or None,
                new_start_date=_date(post.get("new_start_date", "")),
                new_end_date=_date(post.get("new_end_date", "")),
                new_procurement_item=post.get("new_procurement_item", ""),
            )
        except ValidationError as error:
            errors = service_error_dict(error)
            messages.error(request, _("The adjustment was not requested: see the marked fields."))
        else:
            messages.success(request, _("The adjustment awaits the member unit's consent."))
            return redirect("determination:adjustment", pk=adjustment.pk)
    return render(
        request,
        "determination/adjustment_form.html",
        {
            "arrangement": arrangement,
            "entries": entries,
            "units": units,
            "applicants": applicants.order_by("name"),
            "kinds": AdjustmentKind.choices,
            "grounds": AdjustmentGround.choices,
            "errors": errors,
            "posted": request.POST,
        },
    )


@login_required
def adjustment_detail(request, pk):
    _require_reader(request.user)
    adjustment = _get_or_404(selectors.adjustment_get, user=request.user, pk=pk)
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("consent", "refuse"):
                services.adjustment_decide_consent(
                    user=user,
                    adjustment=adjustment,
                    consent=action == "consent",
                    note=request.POST.get("note", ""),
                    document_upload=request.FILES.get("document"),
                )
            elif action == "publish":
                services.adjustment_publish(user=user, adjustment=adjustment)
            else:
                raise Http404
        except ValidationError as error:
            messages_add_service_errors(request, error)
        else:
            messages.success(request, _("The adjustment is updated."))
        return redirect("determination:adjustment", pk=adjustment.pk)
    may_consent = adjustment.status == AdjustmentStatus.REQUESTED and (
        user.is_superuser
        or (user.role == Role.MEMBER_UNIT and user.organisation_id == adjustment.consenting_unit_id)
    )
    may_publish = adjustment.status == AdjustmentStatus.CONSENTED and (
        user.is_superuser
        or (
            user.role == Role.OFFICE
            and user.organisation.jurisdiction_id == adjustment.jurisdiction_id
        )
    )
    return render(
        request,
        "determination/adjustment.html",
        {"adjustment": adjustment, "may_consent": may_consent, "may_publish": may_publish},
    )


# --- public (no login) ---------------------------------------------------------------------


def public_arrangement(request, pk):
    arrangement = _get_or_404(selectors.public_arrangements().get, pk=pk)
    entries = list(selectors.public_entries(arrangement))
    return render(
        request,
        "determination/public_arrangement.html",
        {
            "arrangement": arrangement,
            "entries": entries,
            "total": sum(e.amount for e in entries),
            "adjustments": selectors.public_adjustments(arrangement),
        },
    )
