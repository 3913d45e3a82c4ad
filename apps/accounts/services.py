"""Writes about organisations, users, documents on file and API clients."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import AuditAction
from apps.audit.services import audit_queryset_update, audit_record
from apps.core.crypto import blind_index
from apps.core.validators import normalize_mainland_mobile, validate_mainland_mobile
from apps.core.workflow import Transition, TransitionTable, transition_apply

from .api.authentication import hash_api_secret
from .models import (
    ApiClient,
    ComplianceDocument,
    ComplianceDocumentKind,
    ComplianceDocumentStatus,
    Organisation,
    SecurityEventWindow,
    User,
)
from .roles import ROLE_SPECS, Role
from .selectors import (
    organisations_administered_by,
    roles_grantable_by,
    users_administered_by,
    users_secured_by,
)


@transaction.atomic
def organisation_create(
    *, name: str, credit_code: str, kind: str, jurisdiction, **extra
) -> Organisation:
    organisation = Organisation(
        name=name.strip(),
        credit_code=credit_code.strip().upper(),
        kind=kind,
        jurisdiction=jurisdiction,
        **extra,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def _check_role_fits_organisation(role: str, organisation: Organisation | None) -> None:
    if not role:
        raise ValidationError({"role": _("Choose a role.")})
    if organisation is None:
        raise ValidationError({"organisation": _("Every account belongs to an organisation.")})
    if organisation.kind not in ROLE_SPECS[role].organisation_kinds:
        raise ValidationError(
            {
                "role": _("The role “%(role)s” does not fit an organisation of kind “%(kind)s”.")
                % {"role": Role(role).label, "kind": organisation.get_kind_display()}
            }
        )


def _check_administers(admin: User, organisation: Organisation) -> None:
    if admin.is_superuser:
        return
    if admin.role != Role.USER_ADMIN:
        raise PermissionDenied(_("Only user administrators manage accounts."))
    if not organisations_administered_by(admin=admin).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("User administrators manage accounts of their own level only."))


def _check_may_grant(admin: User, role: str) -> None:
    """等保 8.1.4.2 / 8.1.5: administrator roles are outside a user administrator's remit."""
    if role and role not in roles_grantable_by(admin=admin):
        raise PermissionDenied(
            _("You may not grant the role “%(role)s”.") % {"role": Role(role).label}
        )


def _check_administers_user(admin: User, user: User) -> None:
    if not users_administered_by(admin=admin).filter(pk=user.pk).exists():
        raise PermissionDenied(_("User administrators manage accounts of their own level only."))


def _set_mobile(user: User, mobile: str) -> None:
    if mobile:
        validate_mainland_mobile(mobile)
        mobile = normalize_mainland_mobile(mobile)
    user.mobile = mobile
    user.mobile_index = blind_index(mobile) if mobile else ""


@transaction.atomic
def user_create(
    *,
    admin: User,
    username: str,
    password: str,
    full_name: str,
    role: str,
    organisation: Organisation,
    mobile: str = "",
    email: str = "",
    second_factor_required: bool = False,
) -> User:
    """HB §24: a user administrator creates an account of its own level, in an organisation
    it administers and with a role inside its remit (等保 8.1.4.2)."""
    _check_administers(admin, organisation)
    _check_may_grant(admin, role)
    _check_role_fits_organisation(role, organisation)
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        role=role,
        organisation=organisation,
        email=email.strip(),
        second_factor_required=second_factor_required,
    )
    _set_mobile(user, mobile)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update(*, admin: User, user: User, **changes) -> User:
    _check_administers_user(admin, user)
    if "role" in changes and changes["role"] != user.role:
        if user.pk == admin.pk:
            # 等保 8.1.4.2: nobody raises (or otherwise changes) their own privileges.
            raise PermissionDenied(_("You cannot change your own role."))
        _check_may_grant(admin, changes["role"])
    mobile = changes.pop("mobile", None)
    new_password = changes.pop("new_password", "")
    if new_password:
        # An initial password the administrator hands over (an imported expert has none); it
        # ends the account's other sessions like any password change.
        validate_password(new_password, user)
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.session_generation += 1
    for field in ("full_name", "email", "role", "second_factor_required"):
        if field in changes:
            setattr(user, field, changes.pop(field))
    if changes:
        raise TypeError(f"Unknown fields: {', '.join(changes)}")
    if mobile is not None:
        _set_mobile(user, mobile)
    _check_role_fits_organisation(user.role, user.organisation)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_deactivate(*, admin: User, user: User) -> User:
    """注销: the account can no longer log in and all its sessions end; history stays."""
    _check_administers_user(admin, user)
    if user.pk == admin.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.session_generation += 1
    user.save()
    # The API keys of the account are revoked with it, as one audit entry for the batch.
    audit_queryset_update(
        queryset=ApiClient.objects.filter(service_user=user, is_active=True),
        values={"is_active": False},
        message="API keys revoked with the deactivated account",
        jurisdiction_path=user.audit_jurisdiction_path(),
    )
    return user


@transaction.atomic
def user_logout_everywhere(*, user: User) -> None:
    """Ends every session of the user on every device (the session hash changes)."""
    user.session_generation += 1
    user.save(update_fields=["session_generation"])


def user_password_change(*, user: User, current_password: str, new_password: str) -> None:
    """A user changes its own password after proving it knows the current one (ASVS 6.2.3,
    7.5.1): a hijacked session alone cannot take the account over. Not atomic as a whole:
    the failed attempt's security event must survive the refusal."""
    if not user.check_password(current_password):
        security_event_record(
            kind=AuditAction.PASSWORD_CHANGE_FAILED,
            username=user.get_username(),
            jurisdiction_path=user.audit_jurisdiction_path(),
            detail="wrong current password",
        )
        raise ValidationError({"old_password": _("Your current password was entered incorrectly.")})
    if user.check_password(new_password):
        raise ValidationError(
            {"new_password1": _("The new password must differ from the current one.")}
        )
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.save()
        _user_audit(action=AuditAction.PASSWORD_CHANGED, user=user)


# --- Second factor ---------------------------------------------------------------------------


def _user_audit(*, action: str, user: User, message: str = "") -> None:
    audit_record(
        action=action,
        object_type=User._meta.label,
        object_id=user.pk,
        object_repr=str(user),
        jurisdiction_path=user.audit_jurisdiction_path(),
        message=message,
    )


def otp_token_matches(*, device: TOTPDevice, token: str) -> bool:
    """A code checked against a device: django-otp's throttling applies to confirmed devices."""
    return bool(token) and device.verify_token(token)


def otp_device_enrol(
    *, user: User, key_hex: str, token: str, current_token: str = ""
) -> TOTPDevice:
    """Stores a new TOTP device once the user has shown a code from it (ASVS 6.5.x).

    When a confirmed device exists, its current code is required too: a stolen password and
    session must not be enough to swap in the attacker's authenticator (the lost-phone case
    goes through `otp_device_reset` by an administrator). The new device replaces the old.
    Only the final write is atomic, so that failed codes stay in the audit log."""
    existing = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if existing and not any(otp_token_matches(device=d, token=current_token) for d in existing):
        security_event_record(
            kind=AuditAction.OTP_FAILED,
            username=user.get_username(),
            jurisdiction_path=user.audit_jurisdiction_path(),
            detail="enrolment: current device code wrong",
        )
        raise ValidationError(
            {"current_token": _("Enter the current code of the authenticator already set up.")}
        )
    device = TOTPDevice(user=user, name="authenticator", key=key_hex, confirmed=True)
    if not _new_device_token_matches(device, token):
        security_event_record(
            kind=AuditAction.OTP_FAILED,
            username=user.get_username(),
            jurisdiction_path=user.audit_jurisdiction_path(),
            detail="enrolment: new device code wrong",
        )
        raise ValidationError(
            {"token": _("The code is wrong or has expired. Try the current code.")}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.save()
        _user_audit(
            action=AuditAction.OTP_ENROLLED,
            user=user,
            message="replaced the previous device" if existing else "first device",
        )
    return device


def _new_device_token_matches(device: TOTPDevice, token: str) -> bool:
    """The code check of a device not saved yet: TOTPDevice.verify_token would save it (its
    throttling and replay counters), and nothing is stored before the user confirms."""
    import time

    from django_otp.oath import TOTP

    if not token.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance):
        return False
    device.last_t = totp.t()  # the code just used cannot be replayed on the stored device
    device.drift = totp.drift
    return True


def otp_verify_failed(*, user: User) -> None:
    security_event_record(
        kind=AuditAction.OTP_FAILED,
        username=user.get_username(),
        jurisdiction_path=user.audit_jurisdiction_path(),
        detail="login: code wrong",
    )


def _check_secures_user(admin: User, user: User) -> None:
    if user.pk == admin.pk:
        raise PermissionDenied(_("An administrator cannot reset its own second factor or lockout."))
    if not users_secured_by(admin=admin).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You may reset accounts of your own level only."))


@transaction.atomic
def otp_device_reset(*, admin: User, user: User, reason: str) -> int:
    """An administrator of the user's level removes its devices (lost phone); the user sets up
    a new one at its next login. Audited with the reason (等保 8.1.4.1, 8.1.5.3)."""
    _check_secures_user(admin, user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reset.")})
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    _user_audit(action=AuditAction.OTP_RESET, user=user, message=reason[:400])
    return removed


@transaction.atomic
def lockout_reset(*, admin: User, username: str = "", ip_address: str = "") -> int:
    """Lifts a lockout (by account of the admin's level, or by address for a top-level
    security administrator); audited."""
    from axes.models import AccessAttempt

    if not (admin.is_superuser or admin.role == Role.SECURITY_ADMIN):
        raise PermissionDenied(_("Only security administrators lift lockouts."))
    attempts = AccessAttempt.objects.none()
    if username:
        user = User.unscoped.filter(username=username).first()
        if user is None:
            raise ValidationError(_("No such account."))
        _check_secures_user(admin, user)
        attempts = AccessAttempt.objects.filter(username=username)
        jurisdiction_path = user.audit_jurisdiction_path()
    elif ip_address:
        if not (admin.is_superuser or _is_top_level(admin)):
            raise PermissionDenied(_("Lockouts of an address are lifted at the top level."))
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
        jurisdiction_path = admin.audit_jurisdiction_path()
    else:
        raise ValidationError(_("Name an account or an address."))
    count, _detail = attempts.delete()
    audit_record(
        action=AuditAction.LOCKOUT_RESET,
        object_type="axes.AccessAttempt",
        object_repr=username or ip_address,
        jurisdiction_path=jurisdiction_path,
        message=f"{count} attempt record(s) removed",
    )
    return count


def _is_top_level(admin: User) -> bool:
    return bool(admin.organisation_id) and admin.organisation.jurisdiction.parent_id is None


# --- Security events, aggregated ---------------------------------------------------------------


def _window_start(moment: datetime.datetime) -> datetime.datetime:
    seconds = max(1, settings.WIPP_SECURITY_EVENT_WINDOW_SECONDS)
    epoch = int(moment.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def security_event_record(
    *,
    kind: str,
    username: str = "",
    ip_address: str | None = None,
    jurisdiction_path: str = "",
    object_type: str = "accounts.User",
    detail: str = "",
) -> bool:
    """Counts a security event; only the first of its kind by the same user and address in a
    window becomes an audit entry now (returns True then). The rest are summarised in one
    entry when the window is over — `security_events_summarise` — so a crawler or a password
    sprayer cannot flood the log, and no event goes uncounted (等保 8.1.4.3; ASVS 16.3.1–3)."""
    from apps.core.context import current_actor

    if ip_address is None:
        ip_address = current_actor().ip_address or ""
    now = timezone.now()
    start = _window_start(now)
    key = {
        "kind": kind,
        "username": username[:150],
        "ip_address": ip_address,
        "window_start": start,
    }
    detail = detail[:300]
    try:
        with transaction.atomic():
            SecurityEventWindow.objects.create(
                **key,
                last_at=now,
                first_detail=detail,
                last_detail=detail,
                jurisdiction_path=jurisdiction_path,
            )
    except IntegrityError:
        SecurityEventWindow.objects.filter(**key).update(
            count=F("count") + 1, last_at=now, last_detail=detail
        )
        return False
    security_events_summarise(before=start)
    seconds = settings.WIPP_SECURITY_EVENT_WINDOW_SECONDS
    audit_record(
        action=kind,
        object_type=object_type,
        object_repr=username,
        jurisdiction_path=jurisdiction_path,
        message=_first_event_message(detail, seconds),
    )
    return True


def _first_event_message(detail: str, seconds: int) -> str:
    note = f"first in a {seconds}-second window; repeats are counted and summarised"
    return f"{detail} ({note})" if detail else note


def security_events_summarise(*, before: datetime.datetime | None = None) -> int:
    """Writes one audit entry per closed window that counted more than its first event."""
    if before is None:
        before = _window_start(timezone.now())
    written = 0
    closed = SecurityEventWindow.objects.filter(summarised=False, window_start__lt=before)
    for window in closed.order_by("window_start", "pk"):
        # Claim the window first: two processes never summarise the same one twice.
        claimed = SecurityEventWindow.objects.filter(pk=window.pk, summarised=False).update(
            summarised=True
        )
        if not claimed or window.count <= 1:
            continue
        seconds = settings.WIPP_SECURITY_EVENT_WINDOW_SECONDS
        audit_record(
            action=AuditAction.EVENTS_SUMMARISED,
            object_type="accounts.SecurityEventWindow",
            object_id=window.pk,
            object_repr=window.username or window.ip_address,
            jurisdiction_path=window.jurisdiction_path,
            after={
                "kind": window.kind,
                "count": window.count,
                "username": window.username,
                "ip_address": window.ip_address,
                "window_start": window.window_start,
                "window_seconds": seconds,
                "last_at": window.last_at,
                "last": window.last_detail,
            },
            message=f"{window.kind} ×{window.count} in {seconds} s",
        )
        written += 1
    return written


COMPLIANCE_REVIEW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            action="approve",
            source=ComplianceDocumentStatus.SUBMITTED,
            target=ComplianceDocumentStatus.APPROVED,
            roles={Role.OFFICE},
            clause="HB §12, §18, §25",
            label=_lazy("Approve"),
        ),
        Transition(
            action="return",
            source=ComplianceDocumentStatus.SUBMITTED,
            target=ComplianceDocumentStatus.REJECTED,
            roles={Role.OFFICE},
            note_required=True,
            clause="HB §12, §18, §25",
            label=_lazy("Return"),
        ),
    ],
)


@transaction.atomic
def compliance_document_submit(
    *,
    submitted_by: User,
    organisation: Organisation,
    kind: str,
    uploaded_file,
    signed_on=None,
    valid_until=None,
    person: User | None = None,
) -> ComplianceDocument:
    """An organisation files a signed document (confidentiality agreement, account form...)."""
    from apps.evidence.services import evidence_upload

    if not submitted_by.is_superuser and submitted_by.organisation_id != organisation.pk:
        raise PermissionDenied(_("Documents are filed by the organisation itself."))
    if person is not None and person.organisation_id != organisation.pk:
        raise ValidationError({"person": _("The person must belong to the organisation.")})
    if valid_until and signed_on and valid_until < signed_on:
        raise ValidationError({"valid_until": _("The end of validity is before the signing date.")})
    version = evidence_upload(
        uploaded_by=submitted_by,
        uploaded_file=uploaded_file,
        purpose="compliance_document",
        title=str(ComplianceDocumentKind(kind).label),
        jurisdiction=organisation.jurisdiction,
        organisation=organisation,
    )
    document = ComplianceDocument(
        organisation=organisation,
        person=person,
        kind=kind,
        evidence=version.evidence_file,
        signed_on=signed_on,
        valid_until=valid_until,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def compliance_document_review(
    *, reviewer: User, document: ComplianceDocument, action: str, note: str = ""
) -> ComplianceDocument:
    """The office of the organisation's own level reviews its documents (HB §12, §25): the
    table's row says who, the executor checks the level."""
    transition_apply(
        table=COMPLIANCE_REVIEW,
        instance=document,
        action=action,
        user=reviewer,
        note=note,
        changes={"reviewed_by": reviewer, "reviewed_at": timezone.now(), "review_note": note},
    )
    return document


@transaction.atomic
def api_client_create(*, admin: User, name: str, service_user: User) -> tuple[ApiClient, str]:
    """Returns the client and its full key; only the hash is kept, so show the key once."""
    _check_administers_user(admin, service_user)
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        name=name, service_user=service_user, key_prefix=prefix, key_hash=hash_api_secret(secret)
    )
    client.full_clean()
    client.save()
    return client, f"{prefix}.{secret}"


@transaction.atomic
def api_client_revoke(*, admin: User, client: ApiClient) -> ApiClient:
    _check_administers_user(admin, client.service_user)
    client.is_active = False
    client.save()
    return client
