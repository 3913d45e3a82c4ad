"""Pages of rectification orders (HB §20). Members of the project's level and its evaluation
agency raise them; the implementing agency answers; the confirmer confirms or returns; the
office urges escalated ones and closes. Out-of-scope objects are 404 (the selectors), steps of
another role 403 (the services through the table)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.plain import object_timeline
from apps.core.forms import form_service_call, messages_add_service_errors
from apps.core.lists import list_page
from apps.findings.models import Finding, FindingStatus

from . import forms, selectors, services
from .models import OrderState

PAGE = 30


@login_required
def order_list(request):
    filters = {k: request.GET.get(k, "") for k in selectors.FILTERS}
    listing = list_page(
        request,
        selectors.order_list(user=request.user, filters=filters).select_related(
            "project", "raised_by_organisation", "implementer"
        ),
        search=("project__code", "project__name", "problem", "implementer__name"),
        sorts={
            "order": "pk",
            "project": "project__code",
            "raiser": "raised_by_organisation__name",
            "agency": "implementer__name",
            "issued": "issued_at",
            "state": "state",
        },
        default_sort="-issued",
    )
    return render(
        request,
        "rectification/list.html",
        {
            "listing": listing,
            "filters": filters,
            "states": [("open", _("Open")), *OrderState.choices],
        },
    )


def _form_page(request, *, form, title, testid, order=None, project=None):
    return render(
        request,
        "rectification/form.html",
        {
            "form": form,
            "title": title,
            "testid": testid,
            "order": order,
            "project": project or order.project,
        },
    )


@login_required
def issue(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    if not services.may_issue(user, project):
        # Readers of the project see its orders; only its raisers get the form (HB §20).
        raise PermissionDenied
    findings = Finding.objects.for_user(user).filter(
        project=project, status__in=(FindingStatus.OPEN, FindingStatus.ANSWERED)
    )
    form = forms.IssueForm(request.POST or None, request.FILES or None, findings=findings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = (
            findings.filter(pk=data["source_finding"]).first() if data["source_finding"] else None
        )
        order = form_service_call(
            request,
            form,
            lambda: services.order_issue(
                user=user,
                project=project,
                problem=data["problem"],
                requirement=data["requirement"],
                clause=data["clause"],
                deadline=data["deadline"],
                document=data["document"],
                source_finding=source,
            ),
            _("The rectification order is issued."),
        )
        if order is not None:
            return redirect("rectification:detail", pk=order.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Raise a rectification order (HB §20)"),
        testid="issue-form",
    )


@login_required
def detail(request, pk):
    user = request.user
    order = selectors.order_get(user=user, pk=pk)
    return render(
        request,
        "rectification/detail.html",
        {
            "order": order,
            "answers": selectors.answers_of(order),
            "steps": selectors.steps_for(user=user, order=order),
            "deadlines": services.order_deadlines(order),
            "timeline": object_timeline(order),
            "step_form": forms.StepForm(),
        },
    )


def _order_form(request, pk, *, form_class, service, success, title, testid):
    """A form about one order (answer, urge): its fields go to `service` as keywords; back to
    the order once done, else the form again with the service's errors on it."""
    order = selectors.order_get(user=request.user, pk=pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            request,
            form,
            lambda: service(user=request.user, order=order, **form.cleaned_data),
            success,
        )
        if done is not None:
            return redirect("rectification:detail", pk=order.pk)
    return _form_page(request, form=form, order=order, title=title, testid=testid)


@login_required
def answer(request, pk):
    return _order_form(
        request,
        pk,
        form_class=forms.AnswerForm,
        service=services.order_answer,
        success=_("Your answer is on the platform."),
        title=_("Answer the rectification order"),
        testid="answer-form",
    )


@login_required
def urge(request, pk):
    return _order_form(
        request,
        pk,
        form_class=forms.UrgeForm,
        service=services.order_urge,
        success=_("The agency is urged; the new day is tracked."),
        title=_("Urge the agency to remedy (督促, HB §20)"),
        testid="urge-form",
    )


STEP_SERVICES = {
    "confirm": (services.order_confirm, _("The remedy is confirmed.")),
    "return": (services.order_return, _("The answer is returned to the agency.")),
    "close": (services.order_close, _("The order is closed.")),
}


@login_required
@require_POST
def step(request, pk, action):
    if action not in STEP_SERVICES:
        raise Http404
    order = selectors.order_get(user=request.user, pk=pk)
    service, success = STEP_SERVICES[action]
    try:
        service(user=request.user, order=order, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("rectification:detail", pk=order.pk)
