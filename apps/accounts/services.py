"""Writes about organisations, users, documents on file and API clients."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    User,
)
from .roles import ROLE_SPECS, Role
from .selectors import users_administered_by


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
    if organisation.jurisdiction_id != admin.organisation.jurisdiction_id:
        raise PermissionDenied(_("User administrators manage accounts of their own level only."))


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
    """HB §24: a user administrator creates an account of its own level."""
    _check_administers(admin, organisation)
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
    mobile = changes.pop("mobile", None)
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
    ApiClient.objects.filter(service_user=user).update(is_active=False)
    return user


@transaction.atomic
def user_logout_everywhere(*, user: User) -> None:
    """Ends every session of the user on every device (the session hash changes)."""
    user.session_generation += 1
    user.save(update_fields=["session_generation"])


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> None:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save()


COMPLIANCE_REVIEW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            action="approve",
            source=ComplianceDocumentStatus.SUBMITTED,
            target=ComplianceDocumentStatus.APPROVED,
            roles={Role.OFFICE},
        ),
        Transition(
            action="return",
            source=ComplianceDocumentStatus.SUBMITTED,
            target=ComplianceDocumentStatus.REJECTED,
            roles={Role.OFFICE},
            note_required=True,
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


def _check_same_level_office(reviewer: User, document: ComplianceDocument) -> None:
    """The office of the organisation's own level reviews its documents (HB §12, §25)."""
    if reviewer.is_superuser:
        return
    if (
        reviewer.organisation_id is None
        or reviewer.organisation.jurisdiction_id != document.organisation.jurisdiction_id
    ):
        raise PermissionDenied(_("Only the office of the organisation's own level reviews it."))


@transaction.atomic
def compliance_document_review(
    *, reviewer: User, document: ComplianceDocument, action: str, note: str = ""
) -> ComplianceDocument:
    _check_same_level_office(reviewer, document)
    transition_apply(
        table=COMPLIANCE_REVIEW, instance=document, action=action, user=reviewer, note=note
    )
    document.reviewed_by = reviewer
    document.reviewed_at = timezone.now()
    document.review_note = note
    document.save()
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
