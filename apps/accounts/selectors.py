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
    on_file = compliance_documents_on_file(organisation_id=user.organisation_id, person_id=user.pk)
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


def organisation_list(*, user, filters: dict | None = None):
    from .models import Organisation

    filters = filters or {}
    qs = Organisation.objects.for_user(user).select_related("jurisdiction")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("jurisdiction"):
        qs = qs.filter(jurisdiction__code=filters["jurisdiction"])
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"])
    return qs


def organisation_documents(*, user, organisation):
    return (
        ComplianceDocument.objects.for_user(user)
        .filter(organisation=organisation)
        .select_related("person", "reviewed_by", "evidence")
    )


def compliance_documents_awaiting_review(*, user):
    """Documents the office of the user's own level has to review."""
    if user.role != Role.OFFICE or not user.organisation_id:
        return ComplianceDocument.objects.none()
    return (
        ComplianceDocument.objects.for_user(user)
        .filter(
            status=ComplianceDocumentStatus.SUBMITTED,
            organisation__jurisdiction_id=user.organisation.jurisdiction_id,
        )
        .select_related("organisation")
    )


def home_summary(*, user) -> dict:
    from django.db.models import Count

    from apps.audit.selectors import audit_entry_list, may_browse_audit_log
    from apps.deadlines.selectors import deadline_home_card
    from apps.projects.models import Project, ProjectStage

    scope = user_scope(user)
    by_stage = list(
        Project.objects.for_scope(scope).values("stage").annotate(n=Count("id")).order_by("stage")
    )
    for row in by_stage:
        row["label"] = ProjectStage(row["stage"]).label
    summary = {
        "scope": scope,
        "projects_by_stage": list(by_stage),
        "project_total": sum(row["n"] for row in by_stage),
        "missing_documents": missing_documents_for(user),
        "documents_to_review": list(compliance_documents_awaiting_review(user=user)[:20]),
        **deadline_home_card(user=user),
    }
    if may_browse_audit_log(user):
        summary["recent_audit"] = list(audit_entry_list(user=user)[:8])
    return summary


def api_clients_administered_by(*, admin):
    from .models import ApiClient

    users = users_administered_by(admin=admin)
    return ApiClient.objects.filter(service_user__in=users).select_related("service_user")
