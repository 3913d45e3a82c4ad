import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus

from apps.accounts.roles import Role
from apps.calls.models import AnnualCall
from apps.calls.selectors import call_get
from apps.core.forms import service_error_dict
from apps.core.lists import city_choices, list_page

from . import exports, selectors, services
from .api.views import PreliminaryReviewFilter
from .models import Indicator, PreliminaryReview, ReviewOutcome, SimilarityPair
from .passages import side_by_side
from .tasks import screening_run_task


def _office_call(request, pk) -> AnnualCall:
    if request.user.role != Role.OFFICE and not request.user.is_superuser:
        raise PermissionDenied
    try:
        return call_get(user=request.user, pk=pk)
    except AnnualCall.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def screening_call(request, call_pk):
    call = _office_call(request, call_pk)
    board = selectors.screening_board(user=request.user, call=call)
    if request.GET.get("export") == "xlsx":
        return exports.screening_xlsx_response(call=call, reviews=board)
    listing = list_page(
        request,
        board,
        filterset_class=PreliminaryReviewFilter,
        search=("application__number", "application__project_name", "application__applicant__name"),
        sorts={
            "number": "application__number",
            "applicant": "application__applicant__name",
            "outcome": "outcome",
        },
        default_sort="number",
    )
    return render(
        request,
        "screening/call_board.html",
        {
            "run_progress": _run_progress(request, call),
            "call": call,
            "listing": listing,
            "summary": selectors.screening_board_summary(user=request.user, call=call),
            "cities": city_choices(request.user),
            "outcomes": ReviewOutcome.choices,
            "pairs": selectors.suspicious_pairs(user=request.user, call=call),
            "indicators": Indicator.choices,
        },
    )


def _run_progress(request, call) -> dict | None:
    """The checks' progress on the board (issue 17 item 5): the run just queued (until a worker
    starts it, the partial says whether one is running), else the call's latest run while it
    runs or within the hour after; it updates by itself until the run ends."""
    from django_tasks_db.models import DBTaskResult

    from apps.core.progress import batch_progress_of, progress_context, task_progress_of

    from .runs import screening_run_progress

    task_id = request.GET.get("task", "")
    result = DBTaskResult.objects.filter(pk=task_id).first() if _is_uuid(task_id) else None
    if result is not None and result.status in ("READY", "RUNNING"):
        return progress_context(
            task_progress_of(result), url=reverse("progress:task", args=[result.pk])
        )
    run = screening_run_progress(call=call)
    if run is None or run.updated_at < timezone.now() - datetime.timedelta(hours=1):
        return None
    return progress_context(batch_progress_of(run), url=reverse("progress:batch", args=[run.pk]))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_POST
def screening_run(request, call_pk):
    call = _office_call(request, call_pk)
    result = screening_run_task.enqueue(call_id=call.pk, user_id=request.user.pk)
    if result.status == TaskResultStatus.SUCCESSFUL:
        messages.success(
            request, _("Checks computed for %(n)d applications.") % {"n": result.return_value}
        )
        return redirect("screening:call", call_pk=call.pk)
    messages.info(request, _("The checks are being computed; this page follows them."))
    return redirect(f"{reverse('screening:call', args=[call.pk])}?task={result.id}")


def _posted_decisions(post) -> dict:
    return {
        code: {
            "passed": post.get(f"{code}-passed") == "yes",
            "reason": post.get(f"{code}-reason", ""),
        }
        for code in Indicator.values
        if post.get(f"{code}-passed") in ("yes", "no")
    }


def _decide(request, review, decisions, revising: bool):
    summary = request.POST.get("summary", "")
    if revising:
        return services.preliminary_review_revise(
            reviewer=request.user,
            review=review,
            decisions=decisions,
            reason=request.POST.get("revision_reason", ""),
            summary=summary,
        )
    return services.preliminary_review_decide(
        reviewer=request.user, review=review, decisions=decisions, summary=summary
    )


def _row(verdict, post, revising: bool) -> dict:
    """One indicator on the form: what is ticked and typed — the reviewer's last input, else
    the recorded decision when revising, else the platform's verdict."""
    code = verdict.indicator
    if post is not None and f"{code}-passed" in post:
        selected = post.get(f"{code}-passed")
        reason = post.get(f"{code}-reason", "")
    elif revising:
        selected = "yes" if verdict.final_pass else "no"
        reason = verdict.reason
    else:
        selected = {True: "yes", False: "no"}.get(verdict.computed_pass)
        reason = verdict.reason
    return {"verdict": verdict, "selected": selected, "reason": reason}


@login_required
def screening_review(request, pk):
    """The indicators with their checks, and the decision in two steps: the reviewer's choices,
    then a confirmation that states what recording them does (the application moves on or
    out, the applicant is notified) before anything is written."""
    if request.user.role != Role.OFFICE and not request.user.is_superuser:
        raise PermissionDenied
    try:
        review = selectors.review_get(user=request.user, pk=pk)
    except PreliminaryReview.DoesNotExist as exc:
        raise Http404 from exc
    call = review.application.call
    may_revise = review.outcome != ReviewOutcome.PENDING and services.screening_open(call)
    revising = may_revise and (request.GET.get("revise") or request.POST.get("revising"))
    errors, preview = {}, None
    if request.method == "POST":
        decisions = _posted_decisions(request.POST)
        try:
            if revising and not request.POST.get("revision_reason", "").strip():
                raise ValidationError(
                    {"revision_reason": _("Give the reason for revising the decision.")}
                )
            if request.POST.get("confirmed") and "edit" not in request.POST:
                _decide(request, review, decisions, bool(revising))
                messages.success(
                    request,
                    _("The revised decision is recorded.")
                    if revising
                    else _("Preliminary review decided."),
                )
                return redirect("screening:call", call_pk=call.pk)
            if "edit" not in request.POST:
                preview = services.preliminary_review_preview(
                    reviewer=request.user,
                    review=review,
                    decisions=decisions,
                    summary=request.POST.get("summary", ""),
                )
        except ValidationError as exc:
            errors = service_error_dict(exc, non_field_key="")
            messages.error(request, _("The decision was not saved: see the marked indicators."))
    pairs = (
        SimilarityPair.objects.for_user(request.user)
        .filter(application=review.application)
        .select_related("other__applicant")
    )
    rows = [
        _row(verdict, request.POST if request.method == "POST" else None, bool(revising))
        for verdict in review.verdicts.all()
    ]
    return render(
        request,
        "screening/confirm.html" if preview else "screening/review.html",
        {
            "review": review,
            "application": review.application,
            "verdicts": review.verdicts.all(),
            "rows": rows,
            "errors": errors,
            "pairs": pairs,
            "posted": request.POST,
            "editing": review.outcome == ReviewOutcome.PENDING or revising,
            "revising": revising,
            "may_revise": may_revise,
            "revisions": review.revisions.select_related("revised_by"),
            "preview": preview,
            "hidden_fields": [
                (k, v)
                for k in request.POST
                if k not in ("csrfmiddlewaretoken", "confirmed", "edit")
                for v in request.POST.getlist(k)
            ],
        },
    )


@login_required
def screening_pair(request, pk):
    if request.user.role != Role.OFFICE and not request.user.is_superuser:
        raise PermissionDenied
    try:
        pair = selectors.pair_get(user=request.user, pk=pk)
    except SimilarityPair.DoesNotExist as exc:
        raise Http404 from exc
    left, right = side_by_side(pair)
    return render(request, "screening/pair.html", {"pair": pair, "left": left, "right": right})
