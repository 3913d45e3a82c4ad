"""Reads about organisations and users, and the one function that says what a user may see."""

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.scoping import Scope

from .models import ComplianceDocument, ComplianceDocumentKind, ComplianceDocumentStatus, User
from .roles import CONFIDENTIALITY_REQUIRED_KINDS, GOVERNMENT_ROLES, Role

NO_SCOPE = Scope(user_id=None)


def compliance_documents_on_file(*, organisation_id: int, person_id: int | None) -> set[str]:
    """Kinds of approved, unexpired documents of an organisation and of one of its people."""
    today = timezone.localdate()
    docs = ComplianceDocument.unscoped.filter(
        organisation_id=organisation_id, status=ComplianceDocumentStatus.APPROVED
    ).exclude(valid_until__lt=today)
    kinds = set()
    for kind, person in docs.values_list("kind", "person_id"):
        if person is None or person == person_id:
            kinds.add(kind)
    return kinds


def missing_documents_for(user: User) -> list[str]:
    """Documents that must be on file before the user may see project data (HB §12, §18, §25)."""
    if not user.organisation_id or user.role in GOVERNMENT_ROLES:
        return []
    on_file = compliance_documents_on_file(
        organisation_id=user.organisation_id, person_id=user.pk
    )
    required = []
    if user.organisation.kind in CONFIDENTIALITY_REQUIRED_KINDS:
        required.append(ComplianceDocumentKind.CONFIDENTIALITY_AGREEMENT)
    if user.role == Role.IMPLEMENTER:
        required.append(ComplianceDocumentKind.IMPLEMENTER_ACCOUNT_APPLICATION)
    if user.role == Role.EVALUATOR:
        required += [
            ComplianceDocumentKind.EVALUATOR_ACCOUNT_APPLICATION,
            ComplianceDocumentKind.EVALUATOR_COMMITMENT,
        ]
    return [kind for kind in required if kind not in on_file]


def user_scope(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_wipp_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._wipp_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    if user.is_superuser:
        return Scope(user_id=user.pk, sees_everything=True)
    organisation = user.organisation
    if organisation is None or not organisation.is_active:
        return Scope(user_id=user.pk)
    if user.role in GOVERNMENT_ROLES:
        return Scope(
            user_id=user.pk,
            organisation_id=organisation.pk,
            region_path=organisation.jurisdiction.path,
            cleared=True,
        )
    return Scope(
        user_id=user.pk,
        organisation_id=organisation.pk,
        participant=True,
        cleared=not missing_documents_for(user),
    )


def users_administered_by(*, admin: User) -> QuerySet[User]:
    """HB §24: a user administrator manages the accounts of its own level only."""
    if admin.is_superuser:
        return User.unscoped.all()
    if admin.role != Role.USER_ADMIN or not admin.organisation_id:
        return User.unscoped.none()
    return User.unscoped.filter(organisation__jurisdiction_id=admin.organisation.jurisdiction_id)
