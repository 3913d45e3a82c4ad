import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.services import personal_data_access_record
from apps.core.forms import form_add_service_errors

from . import selectors, services
from .forms import (
    ApiClientForm,
    ComplianceDocumentForm,
    LoginForm,
    OtpTokenForm,
    ReviewForm,
    UserCreateForm,
    UserUpdateForm,
)
from .models import ComplianceDocument, Organisation
from .roles import Role


class WippLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
@require_POST
def logout_everywhere(request):
    services.user_logout_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You have been logged out on every device."))
    return redirect("accounts:login")


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def otp_verify(request):
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices.exists():
        return redirect(f"{_otp_setup_url()}?next={_safe_next(request)}")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next((d for d in devices if d.verify_token(form.cleaned_data["token"])), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the current code."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


def _otp_setup_url() -> str:
    from django.urls import reverse

    return reverse("accounts:otp_setup")


@login_required
def otp_setup(request):
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            messages.success(request, _("Second factor set up."))
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the current code."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    context = {
        "form": form,
        "qr_svg_b64": base64.b64encode(buffer.getvalue()).decode(),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _safe_next(request),
    }
    return render(request, "accounts/otp_setup.html", context)


def _require_user_admin(user):
    if not (user.is_superuser or user.role == Role.USER_ADMIN):
        raise PermissionDenied


def _admin_organisations(admin):
    if admin.is_superuser:
        return Organisation.unscoped.all()
    return Organisation.unscoped.filter(jurisdiction_id=admin.organisation.jurisdiction_id)


@login_required
def user_list(request):
    _require_user_admin(request.user)
    users = selectors.users_administered_by(admin=request.user).select_related(
        "organisation__jurisdiction"
    )
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
def user_create(request):
    _require_user_admin(request.user)
    form = UserCreateForm(request.POST or None, organisations=_admin_organisations(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.user_create(admin=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": created.username})
            return redirect("manage:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def _administered_user(request, pk):
    _require_user_admin(request.user)
    user = selectors.users_administered_by(admin=request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@login_required
def user_update(request, pk):
    target = _administered_user(request, pk)
    initial = {
        "full_name": target.full_name,
        "role": target.role,
        "mobile": target.mobile,
        "email": target.email,
        "second_factor_required": target.second_factor_required,
    }
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "GET" and target.mobile:
        personal_data_access_record(subject=target, field="mobile", purpose="account edit form")
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(admin=request.user, user=target, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Account %(name)s saved.") % {"name": target.username})
            return redirect("manage:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@login_required
@require_POST
def user_deactivate(request, pk):
    target = _administered_user(request, pk)
    try:
        services.user_deactivate(admin=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Account %(name)s deactivated.") % {"name": target.username})
    return redirect("manage:user_list")


@login_required
def organisation_list(request):
    filters = {k: request.GET.get(k, "") for k in ("kind", "jurisdiction", "q")}
    organisations = selectors.organisation_list(user=request.user, filters=filters)
    return render(
        request,
        "accounts/organisation_list.html",
        {"organisations": organisations[:500], "filters": filters},
    )


def _visible_organisation(request, pk) -> Organisation:
    organisation = selectors.organisation_list(user=request.user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


@login_required
def organisation_detail(request, pk):
    organisation = _visible_organisation(request, pk)
    form = ComplianceDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.compliance_document_submit(
                submitted_by=request.user,
                organisation=organisation,
                kind=data["kind"],
                uploaded_file=data["file"],
                signed_on=data["signed_on"],
                valid_until=data["valid_until"],
                person=request.user if data["kind"].startswith("evaluator") else None,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Document filed; the office will review it."))
            return redirect("manage:organisation_detail", pk=organisation.pk)
    context = {
        "organisation": organisation,
        "documents": selectors.organisation_documents(user=request.user, organisation=organisation),
        "form": form,
        "may_file": request.user.organisation_id == organisation.pk,
        "review_form": ReviewForm(),
    }
    return render(request, "accounts/organisation_detail.html", context)


@login_required
@require_POST
def compliance_document_review(request, pk):
    document = ComplianceDocument.objects.for_user(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
    else:
        try:
            services.compliance_document_review(
                reviewer=request.user, document=document, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("manage:organisation_detail", pk=document.organisation_id)


@login_required
def api_client_list(request):
    _require_user_admin(request.user)
    users = selectors.users_administered_by(admin=request.user).filter(is_active=True)
    form = ApiClientForm(request.POST or None, users=users)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _client, new_key = services.api_client_create(admin=request.user, **form.cleaned_data)
        form = ApiClientForm(users=users)
    clients = selectors.api_clients_administered_by(admin=request.user)
    return render(
        request, "accounts/api_clients.html", {"clients": clients, "form": form, "new_key": new_key}
    )


@login_required
@require_POST
def api_client_revoke(request, pk):
    _require_user_admin(request.user)
    client = selectors.api_clients_administered_by(admin=request.user).filter(pk=pk).first()
    if client is None:
        raise Http404
    services.api_client_revoke(admin=request.user, client=client)
    messages.success(request, _("API key revoked."))
    return redirect("manage:api_client_list")
