"""Pages of the qualification register: the agency keeps its register, government users read
it and run the qualification check (HB §10, §17)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind
from apps.core.forms import form_add_service_errors
from apps.core.lists import list_page
from apps.jurisdictions.models import Jurisdiction

from . import selectors, services
from .checks import register_lines, register_read
from .forms import CheckForm, EquipmentForm, LicenceForm, PlatformProfileForm
from .models import AgencyType, Equipment, Licence, QualificationCheckRecord
from .rules import RulesError, requirements

AGENCY_TYPE_OF_KIND = {
    OrganisationKind.IMPLEMENTING_AGENCY: AgencyType.OFFLINE_TRAINING,
    OrganisationKind.OFFLINE_TRAINING_INSTITUTION: AgencyType.OFFLINE_TRAINING,
    OrganisationKind.ONLINE_TRAINING_PLATFORM: AgencyType.ONLINE_PLATFORM,
    OrganisationKind.EVALUATION_AGENCY: AgencyType.EVALUATION_AGENCY,
}


def _require_viewer(user) -> None:
    if not selectors.may_view_registers(user):
        raise PermissionDenied


def _organisation_or_404(request, pk) -> Organisation:
    _require_viewer(request.user)
    try:
        return selectors.register_organisation_get(user=request.user, pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


def _require_editor(user, organisation) -> None:
    if not services.may_edit_register(user, organisation):
        raise PermissionDenied


def _checkable_jurisdictions(user):
    if user.is_superuser:
        return Jurisdiction.objects.all()
    if user.role not in services.CHECKER_ROLES or user.organisation_id is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.filter(path__startswith=user.organisation.jurisdiction.path)


@login_required
def register_index(request):
    _require_viewer(request.user)
    user = request.user
    if (
        user.role in services.EDITOR_ROLES
        and user.organisation_id
        and user.organisation.kind in services.REGISTER_KINDS
    ):
        return redirect("qualifications:register", pk=user.organisation_id)
    return render(
        request,
        "qualifications/index.html",
        {"organisations": selectors.register_organisations(user=user)},
    )


def _self_check(organisation):
    """The HB §10 lines of the register as it stands (HB §17 needs a procurement: not here)."""
    agency_type = AGENCY_TYPE_OF_KIND.get(organisation.kind)
    if agency_type is None:
        return None, []
    try:
        rules = requirements()
    except RulesError:
        return agency_type, []
    lines = register_lines(
        register=register_read(organisation),
        agency_type=agency_type,
        rules=rules,
        today=timezone.localdate(),
    )
    return agency_type, lines


@login_required
def register_detail(request, pk):
    organisation = _organisation_or_404(request, pk)
    user = request.user
    agency_type, lines = _self_check(organisation)
    jurisdictions = _checkable_jurisdictions(user)
    check_form = None
    if jurisdictions.exists():
        check_form = CheckForm(
            jurisdictions=jurisdictions,
            initial={
                "agency_type": agency_type,
                "year": timezone.localdate().year,
                "jurisdiction": user.organisation.jurisdiction_id if user.organisation_id else None,
            },
        )
    context = {
        "organisation": organisation,
        "may_edit": services.may_edit_register(user, organisation),
        "is_platform": organisation.kind == OrganisationKind.ONLINE_TRAINING_PLATFORM,
        "equipment": selectors.organisation_equipment(user=user, organisation=organisation),
        "licences": selectors.organisation_licences(user=user, organisation=organisation),
        "profile": selectors.organisation_platform_profile(user=user, organisation=organisation),
        "self_check_type": AgencyType(agency_type).label if agency_type else "",
        "self_check_lines": lines,
        "check_form": check_form,
        "records": selectors.check_records(user=user, organisation=organisation)[:20],
    }
    return render(request, "qualifications/register.html", context)


def _edit_page(request, *, organisation, form, title, back):
    return render(
        request,
        "qualifications/form.html",
        {"organisation": organisation, "form": form, "title": title, "back": back},
    )


def _file_of(form):
    return form.cleaned_data.pop("file", None)


def _row_edit(request, *, org_pk, pk, get_row, form_class, save, titles):
    """Add or change one register row (a device, a licence) of an organisation's own register."""
    if pk is not None:
        _require_viewer(request.user)
        try:
            row = get_row(user=request.user, pk=pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        organisation = row.organisation
    else:
        row = None
        organisation = _organisation_or_404(request, org_pk)
    _require_editor(request.user, organisation)
    form = form_class(request.POST or None, request.FILES or None, instance=row)
    if request.method == "POST" and form.is_valid():
        uploaded = _file_of(form)
        try:
            save(organisation=organisation, data=form.cleaned_data, uploaded_file=uploaded, row=row)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The register is updated."))
            return redirect("qualifications:register", pk=organisation.pk)
    title = titles[0] if row else titles[1]
    return _edit_page(request, organisation=organisation, form=form, title=title, back=True)


@login_required
def equipment_edit(request, org_pk=None, pk=None):
    def save(*, row, **kwargs):
        services.equipment_save(user=request.user, equipment=row, **kwargs)

    return _row_edit(
        request,
        org_pk=org_pk,
        pk=pk,
        get_row=selectors.equipment_get,
        form_class=EquipmentForm,
        save=save,
        titles=(_("Change device"), _("Add a device")),
    )


@login_required
@require_POST
def equipment_active(request, pk):
    _require_viewer(request.user)
    try:
        equipment = selectors.equipment_get(user=request.user, pk=pk)
    except Equipment.DoesNotExist as exc:
        raise Http404 from exc
    active = request.POST.get("active") == "yes"
    services.equipment_set_active(user=request.user, equipment=equipment, active=active)
    messages.success(
        request, _("The device is back in service.") if active else _("The device is retired.")
    )
    return redirect("qualifications:register", pk=equipment.organisation_id)


@login_required
def licence_edit(request, org_pk=None, pk=None):
    def save(*, row, **kwargs):
        services.licence_save(user=request.user, licence=row, **kwargs)

    return _row_edit(
        request,
        org_pk=org_pk,
        pk=pk,
        get_row=selectors.licence_get,
        form_class=LicenceForm,
        save=save,
        titles=(_("Change licence"), _("Add a licence")),
    )


@login_required
@require_POST
def licence_active(request, pk):
    _require_viewer(request.user)
    try:
        licence = selectors.licence_get(user=request.user, pk=pk)
    except Licence.DoesNotExist as exc:
        raise Http404 from exc
    active = request.POST.get("active") == "yes"
    services.licence_set_active(user=request.user, licence=licence, active=active)
    messages.success(
        request, _("The licence is in force.") if active else _("The licence is withdrawn.")
    )
    return redirect("qualifications:register", pk=licence.organisation_id)


@login_required
def platform_edit(request, org_pk):
    organisation = _organisation_or_404(request, org_pk)
    _require_editor(request.user, organisation)
    if organisation.kind != OrganisationKind.ONLINE_TRAINING_PLATFORM:
        raise Http404
    profile = selectors.organisation_platform_profile(user=request.user, organisation=organisation)
    form = PlatformProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        uploaded = _file_of(form)
        try:
            services.platform_profile_save(
                user=request.user,
                organisation=organisation,
                data=form.cleaned_data,
                contract_file=uploaded,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The register is updated."))
            return redirect("qualifications:register", pk=organisation.pk)
    return _edit_page(
        request, organisation=organisation, form=form, title=_("Online platform facts"), back=True
    )


@login_required
@require_POST
def check_run(request, org_pk):
    organisation = _organisation_or_404(request, org_pk)
    jurisdictions = _checkable_jurisdictions(request.user)
    if not jurisdictions.exists():
        raise PermissionDenied
    form = CheckForm(request.POST, jurisdictions=jurisdictions)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("qualifications:register", pk=organisation.pk)
    data = form.cleaned_data
    try:
        record = services.qualification_check_record(
            user=request.user,
            organisation=organisation,
            agency_type=data["agency_type"],
            jurisdiction=data["jurisdiction"],
            year=data["year"],
            project_type=data["project_type"] or None,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("qualifications:register", pk=organisation.pk)
    return redirect("qualifications:check", pk=record.pk)


@login_required
def check_list(request):
    _require_viewer(request.user)
    listing = list_page(
        request,
        selectors.check_records(user=request.user),
        search=("organisation__name", "organisation__credit_code", "project__code"),
        sorts={
            "checked": "checked_at",
            "organisation": "organisation__name",
            "agency_type": "agency_type",
            "city": "jurisdiction__code",
            "year": "year",
            "result": "passed",
        },
        default_sort="-checked",
    )
    return render(request, "qualifications/checks.html", {"listing": listing})


@login_required
def check_detail(request, pk):
    _require_viewer(request.user)
    try:
        record = selectors.check_record_get(user=request.user, pk=pk)
    except QualificationCheckRecord.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "qualifications/check.html", {"record": record})
