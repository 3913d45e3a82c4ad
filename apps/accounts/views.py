import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
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
from django_otp.util import random_hex

from apps.audit.services import personal_data_access_record
from apps.core.forms import form_add_service_errors
from apps.core.lists import city_choices, list_page

from . import selectors, services
from .filters import ApiClientFilter
from .forms import (
    ApiClientForm,
    ComplianceDocumentForm,
    LoginForm,
    OtpEnrolForm,
    OtpResetForm,
    OtpTokenForm,
    PasswordChangeForm,
    ReviewForm,
    UserCreateForm,
    UserUpdateForm,
)
from .models import ComplianceDocument, Organisation
from .password_validation import password_expired
from .roles import OrganisationKind, Role


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
        token = form.cleaned_data["token"]
        device = next(
            (d for d in devices if services.otp_token_matches(device=d, token=token)), None
        )
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        services.otp_verify_failed(user=request.user)
        form.add_error("token", _("The code is wrong or has expired. Try the current code."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


def _otp_setup_url() -> str:
    from django.urls import reverse

    return reverse("accounts:otp_setup")


OTP_SETUP_SESSION_KEY = "wipp_otp_setup_key"


@login_required
def otp_setup(request):
    """Opening the page writes nothing: the new secret waits in the session until the user
    confirms it with a code (and, when a device is already set up, with that one's code)."""
    key_hex = request.session.get(OTP_SETUP_SESSION_KEY)
    if not key_hex:
        key_hex = random_hex(20)
        request.session[OTP_SETUP_SESSION_KEY] = key_hex
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    form = OtpEnrolForm(request.POST or None, needs_current=has_device)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_device_enrol(
                user=request.user,
                key_hex=key_hex,
                token=form.cleaned_data["token"],
                current_token=form.cleaned_data.get("current_token", ""),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            del request.session[OTP_SETUP_SESSION_KEY]
            otp_login(request, device)
            messages.success(request, _("Second factor set up."))
            return redirect(_safe_next(request))
    preview = TOTPDevice(user=request.user, name="authenticator", key=key_hex)
    image = qrcode.make(preview.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    context = {
        "form": form,
        "has_device": has_device,
        "qr_svg_b64": base64.b64encode(buffer.getvalue()).decode(),
        "secret": base64.b32encode(preview.bin_key).decode(),
        "next": _safe_next(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
def password_change(request):
    """Own password, current one first (ASVS 6.2.3, 7.5.1); also where an expired password
    (等保 periodic change) sends the user."""
    form = PasswordChangeForm(request.POST or None, user=request.user)
    expired = password_expired(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_change(
                user=request.user,
                current_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            # This session stays; every other session of the account ends with the old hash.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_safe_next(request))
    context = {"form": form, "expired": expired, "next": _safe_next(request)}
    return render(request, "accounts/password_change.html", context)


def _require_user_admin(user):
    if not (user.is_superuser or user.role == Role.USER_ADMIN):
        raise PermissionDenied


@login_required
def user_list(request):
    _require_user_admin(request.user)
    users = selectors.users_administered_by(admin=request.user).select_related(
        "organisation__jurisdiction"
    )
    listing = list_page(
        request,
        users,
        search=("username", "full_name", "organisation__name"),
        sorts={
            "username": "username",
            "name": "full_name",
            "role": "role",
            "organisation": "organisation__name",
            "active": "is_active",
        },
        default_sort="username",
    )
    return render(request, "accounts/user_list.html", {"listing": listing})


@login_required
def user_create(request):
    _require_user_admin(request.user)
    form = UserCreateForm(
        request.POST or None,
        organisations=selectors.organisations_administered_by(admin=request.user),
        roles=selectors.roles_grantable_by(admin=request.user),
    )
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
    form = UserUpdateForm(
        request.POST or None,
        initial=initial,
        roles=selectors.roles_grantable_by(admin=request.user),
        current_role=target.role,
        may_change_role=target.pk != request.user.pk,
    )
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
    context = {
        "form": form,
        "target": target,
        "reset_form": OtpResetForm(),
        "has_device": TOTPDevice.objects.filter(user=target, confirmed=True).exists(),
        "may_reset_otp": target.pk != request.user.pk,
    }
    return render(request, "accounts/user_form.html", context)


@login_required
@require_POST
def otp_reset(request, pk):
    """A user administrator or security administrator of the user's level removes its
    authenticator (lost phone); audited with the reason."""
    target = selectors.users_secured_by(admin=request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    form = OtpResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the reset."))
    else:
        try:
            services.otp_device_reset(
                admin=request.user, user=target, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Second factor of %(name)s reset: a new one is set up at the next login.")
                % {"name": target.username},
            )
    if request.user.role == Role.USER_ADMIN:
        return redirect("manage:user_update", pk=target.pk)
    return redirect("manage:security")


@login_required
def security_page(request):
    """安全管理员: lockouts, second factors and security events of its level (等保 8.1.5.3)."""
    if not selectors.may_open_security_page(request.user):
        raise PermissionDenied
    context = selectors.security_overview(admin=request.user)
    context["reset_form"] = OtpResetForm()
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def lockout_reset(request):
    if not selectors.may_open_security_page(request.user):
        raise PermissionDenied
    try:
        count = services.lockout_reset(
            admin=request.user,
            username=request.POST.get("username", "").strip(),
            ip_address=request.POST.get("ip_address", "").strip(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Lockout lifted (%(n)d records).") % {"n": count})
    return redirect("manage:security")


@login_required
def system_page(request):
    """系统管理员: the configuration and health, read-only (等保 8.1.5.1). Changing them is a
    deployment act, outside the application."""
    if not selectors.may_open_system_page(request.user):
        raise PermissionDenied
    return render(request, "accounts/system.html", selectors.system_overview())


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
    from .api.views import OrganisationFilter  # the API's filters serve the page too

    listing = list_page(
        request,
        Organisation.objects.for_user(request.user).select_related("jurisdiction"),
        filterset_class=OrganisationFilter,
        search=("name", "credit_code"),
        sorts={
            "name": "name",
            "credit_code": "credit_code",
            "kind": "kind",
            "city": "jurisdiction__code",
        },
        default_sort="name",
    )
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "listing": listing,
            "cities": city_choices(request.user),
            "kinds": OrganisationKind.choices,
        },
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
    listing = list_page(
        request,
        selectors.api_clients_administered_by(admin=request.user),
        filterset_class=ApiClientFilter,
        search=("name", "key_prefix", "service_user__username"),
        sorts={
            "name": "name",
            "account": "service_user__username",
            "last_used": "last_used_at",
            "status": "is_active",
        },
        default_sort="name",
    )
    context = {
        "listing": listing,
        # A user administrator manages its own level's accounts only (HB §24): the city
        # filter is for a superuser, who sees every level.
        "cities": city_choices(request.user) if request.user.is_superuser else [],
        "form": form,
        "new_key": new_key,
    }
    return render(request, "accounts/api_clients.html", context)


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
