"""Pages of procurement: the list, a procurement with every step for the role whose turn it
is (the agreement and payment steps post to apps.contracts.views), lots, the traceability
matrix and the OCDS download. Region-scoped through the selectors;
an out-of-scope object is a 404, a step of another role a 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.roles import Role
from apps.contracts import forms as contract_forms
from apps.contracts import selectors as contract_selectors
from apps.contracts import services as contract_services
from apps.core.forms import form_add_service_errors
from apps.core.lists import city_choices, list_page
from apps.projects.models import Project
from apps.projects.selectors import project_get

from . import exports, forms, ocds, selectors, services
from .api.views import ProcurementFilter
from .models import (
    ImplementationPlan,
    Procurement,
    ProcurementCategory,
    ProcurementStatus,
    RequirementItem,
)

DETAIL_FORMS = {
    ProcurementCategory.TRAINING: forms.SyllabusLineForm,
    ProcurementCategory.ONSITE_PROMOTION: forms.PromotionActivityForm,
    ProcurementCategory.MEDIA_PROMOTION: forms.MediaPlacementForm,
}
DETAIL_SERVICES = {
    ProcurementCategory.TRAINING: services.syllabus_line_add,
    ProcurementCategory.ONSITE_PROMOTION: services.promotion_activity_add,
    ProcurementCategory.MEDIA_PROMOTION: services.media_placement_add,
}


def procurement_or_404(request, pk) -> Procurement:
    try:
        return selectors.procurement_get(user=request.user, pk=pk)
    except Procurement.DoesNotExist as exc:
        raise Http404 from exc


def _may_procure(user) -> bool:
    return user.is_superuser or user.role in (Role.HRSS, Role.OFFICE)


@login_required
def procurement_list(request):
    listing = list_page(
        request,
        Procurement.objects.for_user(request.user).select_related(
            "jurisdiction", "project", "lot", "procuring_authority", "award__winner"
        ),
        filterset_class=ProcurementFilter,
        search=("title", "reference", "project__code", "project__name"),
        city_field="jurisdiction__code",
        sorts={
            "title": "title",
            "project": ("project__code", "lot__name"),
            "year": "year",
            "method": "method",
            "status": "status",
            "winner": "award__winner__name",
            "amount": "award__amount",
        },
        default_sort="-year",
    )
    return render(
        request,
        "procurement/list.html",
        {
            "listing": listing,
            "page": listing.page,
            "cities": city_choices(request.user),
            "statuses": ProcurementStatus.choices,
            "may_create": _may_procure(request.user),
            "this_year": timezone.localdate().year,
        },
    )


@login_required
def procurement_create(request):
    if not _may_procure(request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("project", "").isdigit():
        initial["project"] = request.GET["project"]
    form = forms.ProcurementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            procurement = services.procurement_create(user=request.user, **data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The procurement is drafted."))
            return redirect("procurement:detail", pk=procurement.pk)
    return render(
        request,
        "procurement/form.html",
        {"form": form, "title": _("New procurement"), "multipart": False},
    )


@login_required
def lot_create(request):
    if not _may_procure(request.user):
        raise PermissionDenied
    form = forms.LotForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            lot = services.lot_create(
                user=request.user,
                jurisdiction=request.user.organisation.jurisdiction,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The lot %(lot)s is created.") % {"lot": lot})
            return redirect(reverse("procurement:create") + f"?lot={lot.pk}")
    return render(
        request,
        "procurement/form.html",
        {"form": form, "title": _("New procurement lot"), "multipart": False},
    )


def _detail_context(request, procurement: Procurement, **bound) -> dict:
    user = request.user
    award = selectors.award_of(procurement)
    plans = selectors.plans_of(award)
    agreement = contract_selectors.agreement_of(award)
    requirements = selectors.requirements_of(procurement)
    can = selectors.abilities(user=user, procurement=procurement, award=award, plans=plans)
    detail_form_class = DETAIL_FORMS.get(procurement.category)
    context = {
        "procurement": procurement,
        "projects": procurement.covered_projects(),
        "requirements": requirements,
        "documents": selectors.documents_of(procurement),
        "award": award,
        "qualification": award.qualification_record if award else None,
        "plans": plans,
        "agreement": agreement,
        "payments": contract_selectors.payments_of(agreement),
        "advance_due": contract_services.advance_due(agreement) if agreement else None,
        "contract_can": contract_selectors.contract_abilities(
            user=user, procurement=procurement, plans=plans, agreement=agreement
        ),
        "deadlines": selectors.deadlines_of(user=user, award=award),
        "can": can,
        "publication_problems": services.publication_problems(procurement) if can.publish else [],
        "filing_missing": services.filing_missing(procurement) if can.file else [],
        "today": timezone.localdate(),
        "requirement_form": bound.get("requirement_form") or forms.RequirementForm(),
        "detail_form": bound.get("detail_form")
        or (detail_form_class(requirements=requirements) if detail_form_class else None),
        "document_form": bound.get("document_form") or forms.DocumentForm(),
        "publish_form": bound.get("publish_form") or forms.PublishForm(),
        "cancel_form": bound.get("cancel_form") or forms.ReasonForm(),
        "award_form": bound.get("award_form") or forms.AwardForm(),
        "plan_form": bound.get("plan_form") or forms.PlanSubmitForm(),
        "review_form": bound.get("review_form") or forms.PlanReviewForm(),
        "agreement_form": bound.get("agreement_form")
        or contract_forms.AgreementForm(initial={"amount": award.amount if award else None}),
        "payment_form": bound.get("payment_form") or contract_forms.PaymentForm(),
    }
    return context


@login_required
def procurement_detail(request, pk):
    procurement = procurement_or_404(request, pk)
    return render(request, "procurement/detail.html", _detail_context(request, procurement))


def detail_step(request, procurement, *, name: str, form, action, success: str):
    """Runs one step of the procurement page (also the contract's, apps.contracts.views): a
    valid form goes to the service; its errors come back on the form, on the page."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("procurement:detail", pk=procurement.pk)
    # Each service is atomic: a refused step has written nothing.
    messages.error(request, _("Not saved: see the errors below."))
    context = _detail_context(request, procurement, **{name: form})
    context["open_form"] = name
    return render(request, "procurement/detail.html", context, status=400)


@login_required
@require_POST
def requirement_add(request, pk):
    procurement = procurement_or_404(request, pk)
    return detail_step(
        request,
        procurement,
        name="requirement_form",
        form=forms.RequirementForm(request.POST),
        action=lambda data: services.requirement_add(
            user=request.user, procurement=procurement, **data
        ),
        success=_("The requirement is added."),
    )


@login_required
@require_POST
def requirement_remove(request, pk, item_pk):
    procurement = procurement_or_404(request, pk)
    try:
        item = procurement.requirements.get(pk=item_pk)
    except RequirementItem.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.requirement_remove(user=request.user, requirement=item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The requirement is removed."))
    return redirect("procurement:detail", pk=procurement.pk)


@login_required
@require_POST
def detail_add(request, pk):
    procurement = procurement_or_404(request, pk)
    form_class = DETAIL_FORMS.get(procurement.category)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, requirements=selectors.requirements_of(procurement))

    def action(data):
        data = dict(data)
        item = procurement.requirements.get(pk=data.pop("requirement"))
        DETAIL_SERVICES[procurement.category](user=request.user, requirement=item, **data)

    return detail_step(
        request,
        procurement,
        name="detail_form",
        form=form,
        action=action,
        success=_("The row is added."),
    )


@login_required
@require_POST
def document_add(request, pk):
    procurement = procurement_or_404(request, pk)
    return detail_step(
        request,
        procurement,
        name="document_form",
        form=forms.DocumentForm(request.POST, request.FILES),
        action=lambda data: services.procurement_document_add(
            user=request.user,
            procurement=procurement,
            kind=data["kind"],
            title=data["title"],
            uploaded_file=data["file"],
        ),
        success=_("The document is filed."),
    )


@login_required
@require_POST
def publish(request, pk):
    procurement = procurement_or_404(request, pk)
    return detail_step(
        request,
        procurement,
        name="publish_form",
        form=forms.PublishForm(request.POST),
        action=lambda data: services.procurement_publish(
            user=request.user, procurement=procurement, **data
        ),
        success=_("The procurement is published."),
    )


@login_required
@require_POST
def cancel(request, pk):
    procurement = procurement_or_404(request, pk)
    return detail_step(
        request,
        procurement,
        name="cancel_form",
        form=forms.ReasonForm(request.POST),
        action=lambda data: services.procurement_cancel(
            user=request.user, procurement=procurement, reason=data["reason"]
        ),
        success=_("The procurement is cancelled."),
    )


@login_required
@require_POST
def file_procurement(request, pk):
    procurement = procurement_or_404(request, pk)
    try:
        services.procurement_file(user=request.user, procurement=procurement)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The procurement documents are filed."))
    return redirect("procurement:detail", pk=procurement.pk)


@transaction.non_atomic_requests
@login_required
@require_POST
def award(request, pk):
    """Not one request transaction: the qualification check's record is kept even when the
    check blocks the award (the award itself is written atomically by the service)."""
    procurement = procurement_or_404(request, pk)
    return detail_step(
        request,
        procurement,
        name="award_form",
        form=forms.AwardForm(request.POST, request.FILES),
        action=lambda data: services.procurement_award(
            user=request.user, procurement=procurement, **data
        ),
        success=_("The procurement is awarded; the office has 5 working days for the plan."),
    )


def award_or_404(procurement):
    award = selectors.award_of(procurement)
    if award is None:
        raise Http404
    return award


@login_required
@require_POST
def plan_submit(request, pk):
    procurement = procurement_or_404(request, pk)
    award = award_or_404(procurement)
    return detail_step(
        request,
        procurement,
        name="plan_form",
        form=forms.PlanSubmitForm(request.POST, request.FILES),
        action=lambda data: services.plan_submit(
            user=request.user, award=award, uploaded_file=data["file"], title=data["title"]
        ),
        success=_("The implementation plan is submitted to the office."),
    )


@login_required
@require_POST
def plan_review(request, pk, plan_pk):
    procurement = procurement_or_404(request, pk)
    award = award_or_404(procurement)
    try:
        plan = award.plans.get(pk=plan_pk)
    except ImplementationPlan.DoesNotExist as exc:
        raise Http404 from exc
    return detail_step(
        request,
        procurement,
        name="review_form",
        form=forms.PlanReviewForm(request.POST),
        action=lambda data: services.plan_review(
            user=request.user,
            plan=plan,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        success=_("The review is recorded."),
    )


@login_required
def traceability(request, project_pk):
    try:
        project = project_get(user=request.user, pk=project_pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    rows = selectors.traceability_rows(user=request.user, project=project)
    if request.GET.get("export") == "xlsx":
        return exports.traceability_response(project=project, rows=rows)
    return render(request, "procurement/traceability.html", {"project": project, "rows": rows})


def ocds_package_for(request, *, project=None, jurisdiction_code="", year=None) -> dict:
    qs = Procurement.objects.for_user(request.user)
    if project is not None:
        qs = qs.filter(Q(project=project) | Q(lot__projects=project))
        label = project.code
    else:
        qs = qs.filter(jurisdiction__code=jurisdiction_code, year=year)
        label = f"{jurisdiction_code}-{year}"
    qs = qs.distinct().order_by("pk")
    base = request.build_absolute_uri("/").rstrip("/")
    return ocds.release_package(
        qs,
        base_url=base,
        uri=request.build_absolute_uri(),
        publisher=_("Work-injury prevention project platform (%(label)s)") % {"label": label},
    )


@login_required
def ocds_download(request):
    project = None
    if request.GET.get("project", "").isdigit():
        try:
            project = project_get(user=request.user, pk=int(request.GET["project"]))
        except Project.DoesNotExist as exc:
            raise Http404 from exc
        name = project.code
    else:
        code, year = request.GET.get("jurisdiction", ""), request.GET.get("year", "")
        if not code or not year.isdigit():
            raise Http404
        name = f"{code}-{year}"
    package = ocds_package_for(
        request,
        project=project,
        jurisdiction_code=request.GET.get("jurisdiction", ""),
        year=int(request.GET.get("year") or 0),
    )
    if not package["releases"]:
        raise Http404
    exports.audit_ocds_export(user=request.user, label=name, count=len(package["releases"]))
    response = HttpResponse(ocds.package_json(package), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="ocds-{name}.json"'
    return response
