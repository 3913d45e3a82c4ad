from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus

from apps.accounts.roles import Role
from apps.calls.models import AnnualCall
from apps.calls.selectors import call_get
from apps.core.forms import service_error_dict

from . import exports, selectors, services
from .models import Indicator, PreliminaryReview, SimilarityPair
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
    return render(
        request,
        "screening/call_board.html",
        {
            "call": call,
            "reviews": board,
            "pairs": selectors.suspicious_pairs(user=request.user, call=call),
            "indicators": Indicator.choices,
        },
    )


@login_required
@require_POST
def screening_run(request, call_pk):
    call = _office_call(request, call_pk)
    result = screening_run_task.enqueue(call_id=call.pk, user_id=request.user.pk)
    if result.status == TaskResultStatus.SUCCESSFUL:
        messages.success(
            request, _("Checks computed for %(n)d applications.") % {"n": result.return_value}
        )
    else:
        messages.info(request, _("The checks are being computed; refresh this page in a moment."))
    return redirect("screening:call", call_pk=call.pk)


@login_required
def screening_review(request, pk):
    if request.user.role != Role.OFFICE and not request.user.is_superuser:
        raise PermissionDenied
    try:
        review = selectors.review_get(user=request.user, pk=pk)
    except PreliminaryReview.DoesNotExist as exc:
        raise Http404 from exc
    errors = {}
    if request.method == "POST":
        decisions = {
            code: {
                "passed": request.POST.get(f"{code}-passed") == "yes",
                "reason": request.POST.get(f"{code}-reason", ""),
            }
            for code in Indicator.values
            if request.POST.get(f"{code}-passed") in ("yes", "no")
        }
        try:
            services.preliminary_review_decide(
                reviewer=request.user,
                review=review,
                decisions=decisions,
                summary=request.POST.get("summary", ""),
            )
        except ValidationError as exc:
            errors = service_error_dict(exc, non_field_key="")
            messages.error(request, _("The decision was not saved: see the marked indicators."))
        else:
            messages.success(request, _("Preliminary review decided."))
            return redirect("screening:call", call_pk=review.application.call_id)
    pairs = (
        SimilarityPair.objects.for_user(request.user)
        .filter(application=review.application)
        .select_related("other__applicant")
    )
    return render(
        request,
        "screening/review.html",
        {
            "review": review,
            "application": review.application,
            "verdicts": review.verdicts.all(),
            "errors": errors,
            "pairs": pairs,
            "posted": request.POST,
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
