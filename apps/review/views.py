"""Pages of the expert review: the office's round board, the expert's sheets, events, pool."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Organisation
from apps.accounts.roles import Role
from apps.applications.printing import application_sections
from apps.calls.models import AnnualCall
from apps.calls.selectors import call_get
from apps.core.forms import messages_add_service_errors, service_error_dict
from apps.core.lists import list_page
from apps.core.workflow import action_names

from . import exports, selectors, services
from .computed import computed_bonus
from .models import (
    AssignmentStatus,
    ExpertAssignment,
    OrganisationEventKind,
    ReviewResult,
    RoundStatus,
)
from .results import sheet_totals
from .rubric import rubric_title
from .workflow import ROUND_WORKFLOW

EXPORT_FORMATS = {"pdf", "xlsx"}


def _require_role(user, role) -> None:
    if not user.is_superuser and user.role != role:
        raise PermissionDenied


def _office_call(request, pk) -> AnnualCall:
    _require_role(request.user, Role.OFFICE)
    try:
        return call_get(user=request.user, pk=pk)
    except AnnualCall.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def review_rounds(request):
    _require_role(request.user, Role.OFFICE)
    listing = list_page(
        request,
        selectors.review_calls(user=request.user),
        search=("title",),
        sorts={
            "call": "title",
            "year": "year",
            "applications": "submitted_count",
            "review": "review_round__status",
        },
        default_sort="-year",
    )
    return render(request, "review/rounds.html", {"listing": listing})


BOARD_SORTS = {
    "number": "number",
    "name": "project_name",
    "applicant": "applicant__name",
    "status": "sheets_submitted",
    "total": "review_result__final_score",
    "rank": "review_result__rank",
}


def _close_progress(review_round) -> dict | None:
    """The close's progress on the board (issue 17 item 5): while it runs, after it stopped
    on an error (the next close resumes it), or within the hour after it finished."""
    from apps.batches.models import BatchStatus
    from apps.core.progress import batch_progress_of, progress_context

    run = services.review_close_progress(review_round=review_round)
    if run is None or (
        run.status == BatchStatus.FINISHED
        and run.updated_at < timezone.now() - datetime.timedelta(hours=1)
    ):
        return None
    return progress_context(batch_progress_of(run), url=reverse("progress:batch", args=[run.pk]))


@login_required
def review_round_board(request, call_pk):
    call = _office_call(request, call_pk)
    review_round = selectors.round_for_call(user=request.user, call=call)
    context = {"call": call, "round": review_round, "rubric_title": rubric_title(call.rubric_code)}
    if review_round is not None:
        closed = review_round.status == RoundStatus.CLOSED
        export = request.GET.get("export")
        if closed and export in EXPORT_FORMATS:
            return exports.results_response(review_round=review_round, fmt=export)
        steps = action_names(table=ROUND_WORKFLOW, instance=review_round, user=request.user)
        context |= {
            "closed": closed,
            "may_close": "close" in steps,
            "listing": list_page(
                request,
                selectors.round_applications(user=request.user, review_round=review_round),
                search=("number", "project_name", "applicant__name"),
                sorts=BOARD_SORTS,
                default_sort="rank" if closed else "number",
            ),
            "summary": selectors.round_summary(review_round=review_round),
            "close_progress": _close_progress(review_round),
            "consistency": selectors.round_consistency(review_round=review_round)
            if closed
            else None,
            "rubric": review_round.rubric,
        }
    return render(request, "review/round.html", context)


@login_required
@require_POST
def review_round_action(request, call_pk, action):
    call = _office_call(request, call_pk)
    review_round = selectors.round_for_call(user=request.user, call=call)
    try:
        if action == "open" and review_round is None:
            services.review_round_open(
                user=request.user,
                call=call,
                experts_per_application=int(request.POST.get("experts_per_application") or 3),
            )
            messages.success(request, _("Expert review opened."))
        elif action == "assign" and review_round is not None:
            made = services.experts_assign(user=request.user, review_round=review_round)
            messages.success(request, _("%(n)d assignments made.") % {"n": len(made)})
        elif action == "close" and review_round is not None:
            ranked = services.review_round_close(user=request.user, review_round=review_round)
            messages.success(
                request, _("Scoring closed; %(n)d applications ranked.") % {"n": len(ranked)}
            )
        else:
            raise Http404
    except ValidationError as error:
        messages_add_service_errors(request, error)
    except ValueError:
        messages.error(request, _("Give a whole number of experts."))
    return redirect("review:round", call_pk=call.pk)


@login_required
@require_POST
def review_result_adjust(request, pk):
    _require_role(request.user, Role.OFFICE)
    try:
        result = selectors.round_results_all(user=request.user).get(pk=pk)
    except ReviewResult.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.review_result_adjust(
            user=request.user,
            result=result,
            proposed=request.POST.get("proposed") == "yes",
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("The proposal is changed."))
    except ValidationError as error:
        messages_add_service_errors(request, error)
    return redirect("review:round", call_pk=result.round.call_id)


@login_required
def my_assignments(request):
    _require_role(request.user, Role.EXPERT)
    errors = {}
    if request.method == "POST":
        try:
            services.expert_relation_declare(
                expert=request.user,
                credit_code=request.POST.get("credit_code", ""),
                description=request.POST.get("description", ""),
            )
            messages.success(request, _("Relation declared."))
            return redirect("review:my")
        except ValidationError as error:
            errors = service_error_dict(error)
    return render(
        request,
        "review/my_assignments.html",
        {
            "listing": list_page(
                request,
                selectors.my_assignments(user=request.user),
                search=(
                    "application__number",
                    "application__project_name",
                    "application__applicant__name",
                    "round__call__title",
                ),
                sorts={
                    "application": "application__number",
                    "applicant": "application__applicant__name",
                    "call": "round__call__title",
                    "status": "status",
                },
                default_sort="status",
            ),
            "relations": selectors.my_relations(user=request.user),
            "errors": errors,
            "posted": request.POST if errors else None,
        },
    )


def _bonus_reasons(post, rubric) -> dict:
    return {
        item.code: post.get(f"b-{item.code}-reason", "").strip()
        for item in rubric.bonus_items
        if item.computed
    }


def _sheet_input(post, rubric) -> tuple[dict, dict, dict]:
    scores = {}
    for row in rubric.rows:
        entry = {
            key: post.get(f"s-{row.code}-{key}", "").strip()
            for key in ("level", "score", "comment", "override_reason")
        }
        if any(entry.values()):
            scores[row.code] = entry
    bonus = {item.code: post.get(f"b-{item.code}", "").strip() for item in rubric.bonus_items}
    vetoes = {
        veto.code: post.get(f"v-{veto.code}-reason", "")
        for veto in rubric.expert_vetoes
        if post.get(f"v-{veto.code}") == "on"
    }
    return scores, bonus, vetoes


SHEET_KEYS = ("level", "score", "comment", "override_reason")


def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _saved_values(line) -> dict:
    saved, computed = line.saved, line.computed
    if saved:
        return {
            "level": saved.level_code,
            "score": _plain(saved.score),
            "comment": saved.comment,
            "override_reason": saved.override_reason,
        }
    return {
        "level": computed.level_code if computed else "",
        "score": _plain(computed.score) if computed and line.row.kind == "counted" else "",
        "comment": "",
        "override_reason": "",
    }


def _sheet_sections(lines, posted, errors) -> list:
    """The sheet in rubric order, each row with the value to show (what was just posted, or
    what is saved, or what the platform computed) and its errors."""
    sections = []
    for first_level, indicators in lines:
        rows_by_indicator = []
        for indicator, sheet_lines in indicators:
            rows = []
            for line in sheet_lines:
                code = line.row.code
                value = (
                    {key: posted.get(f"s-{code}-{key}", "") for key in SHEET_KEYS}
                    if posted is not None
                    else _saved_values(line)
                )
                rows.append({"line": line, "value": value, "errors": errors.get(code, [])})
            rows_by_indicator.append((indicator, rows))
        sections.append((first_level, rows_by_indicator))
    return sections


def _extras(rubric, assignment, posted, errors) -> dict:
    if posted is not None:
        bonus = {item.code: posted.get(f"b-{item.code}", "") for item in rubric.bonus_items}
        reasons = _bonus_reasons(posted, rubric)
        vetoes = {
            v.code: posted.get(f"v-{v.code}-reason", "")
            for v in rubric.expert_vetoes
            if posted.get(f"v-{v.code}") == "on"
        }
        comment = posted.get("comment", "")
    else:
        bonus, vetoes, comment = assignment.bonus, assignment.vetoes, assignment.comment
        reasons = assignment.bonus_reasons
    computed = computed_bonus(rubric, assignment.application)
    return {
        "bonus_rows": [
            (
                item,
                bonus.get(item.code, ""),
                errors.get(item.code, []),
                computed.get(item.code),
                reasons.get(item.code, ""),
            )
            for item in rubric.bonus_items
        ],
        "veto_rows": [
            (veto, veto.code in vetoes, vetoes.get(veto.code, ""), errors.get(veto.code, []))
            for veto in rubric.expert_vetoes
        ],
        "comment": comment,
    }


def _assignment(request, pk) -> ExpertAssignment:
    try:
        return selectors.assignment_get(user=request.user, pk=pk)
    except ExpertAssignment.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def score_sheet(request, pk):
    assignment = _assignment(request, pk)
    is_expert = assignment.expert_id == request.user.pk
    if not is_expert and assignment.round.status != RoundStatus.CLOSED:
        # Scores stay with their expert until scoring closes.
        raise PermissionDenied
    rubric = assignment.round.rubric
    errors, posted = {}, None
    if request.method == "POST" and is_expert:
        scores, bonus, vetoes = _sheet_input(request.POST, rubric)
        submit = request.POST.get("action") == "submit"
        try:
            services.score_sheet_save(
                expert=request.user,
                assignment=assignment,
                scores=scores,
                bonus=bonus,
                vetoes=vetoes,
                comment=request.POST.get("comment", ""),
                submit=submit,
                bonus_reasons=_bonus_reasons(request.POST, rubric),
            )
            messages.success(
                request, _("Score sheet submitted.") if submit else _("Score sheet saved.")
            )
            return redirect("review:sheet", pk=assignment.pk)
        except ValidationError as error:
            errors = service_error_dict(error)
            posted = request.POST
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return exports.sheet_response(assignment=assignment, rubric=rubric, fmt=export)
    lines = selectors.sheet_lines(rubric=rubric, assignment=assignment)
    return render(
        request,
        "review/sheet.html",
        {
            "assignment": assignment,
            "rubric": rubric,
            "sections": _sheet_sections(lines, posted, errors),
            "editable": is_expert
            and assignment.status == AssignmentStatus.ASSIGNED
            and assignment.round.status == RoundStatus.SCORING,
            "errors": errors,
            "total": sheet_totals(assignment, rubric.bonus_max).base,
            "application_text": application_sections(assignment.application),
        }
        | _extras(rubric, assignment, posted, errors),
    )


@login_required
@require_POST
def assignment_conflict(request, pk):
    assignment = _assignment(request, pk)
    try:
        services.assignment_declare_conflict(
            expert=request.user, assignment=assignment, reason=request.POST.get("reason", "")
        )
    except (ValidationError, PermissionDenied) as error:
        if isinstance(error, ValidationError):
            messages_add_service_errors(request, error)
            return redirect("review:sheet", pk=assignment.pk)
        raise
    messages.success(
        request, _("Conflict of interest declared; the application is withdrawn from your list.")
    )
    return redirect("review:my")


@login_required
def organisation_events(request):
    _require_role(request.user, Role.OFFICE)
    errors = {}
    if request.method == "POST":
        try:
            organisation = Organisation.objects.for_user(request.user).get(
                pk=request.POST.get("organisation") or 0
            )
            services.organisation_event_record(
                user=request.user,
                organisation=organisation,
                kind=request.POST.get("kind", ""),
                occurred_on=request.POST.get("occurred_on") or None,
                description=request.POST.get("description", ""),
                entry_reason=request.POST.get("entry_reason", ""),
                evidence_upload=request.FILES.get("evidence"),
            )
            messages.success(request, _("Event recorded."))
            return redirect("review:events")
        except (Organisation.DoesNotExist, ValueError):
            errors = {"organisation": [_("Choose an organisation of your region.")]}
        except ValidationError as error:
            errors = service_error_dict(error)
    return render(
        request,
        "review/events.html",
        {
            "listing": list_page(
                request,
                selectors.organisation_events(user=request.user),
                search=("organisation__name", "description"),
                sorts={
                    "occurred": "occurred_on",
                    "organisation": "organisation__name",
                    "kind": "kind",
                },
                default_sort="-occurred",
            ),
            "kinds": OrganisationEventKind.choices,
            "organisations": Organisation.objects.for_user(request.user).order_by("name"),
            "errors": errors,
            "posted": request.POST if errors else None,
        },
    )


@login_required
def expert_pool(request):
    if not request.user.is_superuser and request.user.role not in (Role.OFFICE, Role.USER_ADMIN):
        raise PermissionDenied
    listing = list_page(
        request,
        selectors.expert_pool(user=request.user),
        search=("user__full_name", "user__username", "specialities", "user__organisation__name"),
        sorts={
            "expert": "user__full_name",
            "employer": "user__organisation__name",
            "specialities": "specialities",
            "available": "is_active",
        },
        default_sort="expert",
    )
    return render(request, "review/pool.html", {"listing": listing})
