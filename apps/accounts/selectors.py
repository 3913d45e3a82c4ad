"""Reads about organisations and users, and the one function that says what a user may see."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import Scope
from apps.core.workflow import actions_available

from .models import ComplianceDocument, ComplianceDocumentKind, ComplianceDocumentStatus, User
from .roles import (
    ADMIN_ROLES,
    GOVERNMENT_ROLES,
    GRANTABLE_BY_USER_ADMIN,
    Role,
)

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


ACCOUNT_DOCUMENTS = "account_documents"


def account_documents_checklist(user: User):
    """The account-documents checklist (data: apps/checklists/data/account_documents.json)
    evaluated for one external user (HB §12, §18, §25)."""
    from apps.checklists.engine import checklist_evaluate

    return checklist_evaluate(code=ACCOUNT_DOCUMENTS, subject=user, context={"role": user.role})


def missing_documents_for(user: User) -> list[str]:
    """Documents that must be on file before the user may see project data (HB §12, §18, §25)."""
    if not user.organisation_id or user.role in GOVERNMENT_ROLES:
        return []
    return [
        ComplianceDocumentKind(r.item.value)
        for r in account_documents_checklist(user).missing_required
    ]


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
    """HB §24: a user administrator manages the accounts of its own level only — and, for
    separation of duties (等保 8.1.4.2, 8.1.5), not superusers nor accounts holding an
    administrator role, other than its own (whose role it still cannot change)."""
    if admin.is_superuser:
        return User.unscoped.all()
    if admin.role != Role.USER_ADMIN or not admin.organisation_id:
        return User.unscoped.none()
    return (
        User.unscoped.filter(organisation__jurisdiction_id=admin.organisation.jurisdiction_id)
        .exclude(is_superuser=True)
        .exclude(Q(role__in=ADMIN_ROLES) & ~Q(pk=admin.pk))
    )


def organisations_administered_by(*, admin: User):
    """Organisations a user administrator creates accounts in: active ones of its own level."""
    from .models import Organisation

    if admin.is_superuser:
        return Organisation.unscoped.all()
    if admin.role != Role.USER_ADMIN or not admin.organisation_id:
        return Organisation.unscoped.none()
    return Organisation.unscoped.filter(
        jurisdiction_id=admin.organisation.jurisdiction_id, is_active=True
    )


def roles_grantable_by(*, admin: User) -> frozenset[str]:
    """Roles an administrator may give: a user administrator every role except the
    administrator roles (等保 8.1.4.2); the superuser every role."""
    if admin.is_superuser:
        return frozenset(Role)
    if admin.role == Role.USER_ADMIN:
        return GRANTABLE_BY_USER_ADMIN
    return frozenset()


def users_secured_by(*, admin: User) -> QuerySet[User]:
    """Accounts whose second factor (and, for a security administrator, lockout) an
    administrator may reset: a security administrator those of its own level, a user
    administrator those it administers (so not the other administrators); never its own (see
    services); superusers' accounts only by a superuser."""
    if admin.is_superuser:
        return User.unscoped.all()
    if admin.role == Role.USER_ADMIN:
        return users_administered_by(admin=admin)
    if admin.role != Role.SECURITY_ADMIN or not admin.organisation_id:
        return User.unscoped.none()
    return User.unscoped.filter(
        organisation__jurisdiction_id=admin.organisation.jurisdiction_id
    ).exclude(is_superuser=True)


def may_open_security_page(user) -> bool:
    return user.is_superuser or user.role == Role.SECURITY_ADMIN


def may_open_system_page(user) -> bool:
    return user.is_superuser or user.role == Role.SYSTEM_ADMIN


def security_overview(*, admin: User) -> dict:
    """What the security administrator's page shows for its level: current lockouts, accounts
    with their second-factor state, and the recent security-event counters."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import SecurityEventWindow

    users = users_secured_by(admin=admin).select_related("organisation")
    usernames = set(users.values_list("username", flat=True))
    threshold = timezone.now() - timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = AccessAttempt.objects.filter(attempt_time__gte=threshold).order_by("-attempt_time")
    top_level = admin.is_superuser or (
        admin.organisation_id is not None and admin.organisation.jurisdiction.parent_id is None
    )
    if not admin.is_superuser:
        # Attempts under a name of this level; address-wide ones only at the top level.
        attempts = attempts.filter(
            Q(username__in=usernames) | (Q(username__isnull=True) if top_level else Q(pk=None))
        )
    devices = dict(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", "name")
    )
    windows = SecurityEventWindow.objects.all()
    if not admin.is_superuser:
        path = admin.organisation.jurisdiction.path if admin.organisation_id else None
        visible = Q(jurisdiction_path__startswith=path) if path else Q(pk=None)
        if top_level:
            visible |= Q(jurisdiction_path="")
        windows = windows.filter(visible)
    return {
        "attempts": list(attempts[:200]),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
        "users": [(u, u.pk in devices) for u in users.filter(is_active=True)[:500]],
        "windows": list(windows[:200]),
        "top_level": top_level,
    }


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
    """The organisation's documents, each with the review steps the user may take on it
    (from the review table: the office of the organisation's own level)."""
    from .services import COMPLIANCE_REVIEW

    documents = list(
        ComplianceDocument.objects.for_user(user)
        .filter(organisation=organisation)
        .select_related("person", "reviewed_by", "evidence", "organisation")
    )
    for document in documents:
        document.actions = actions_available(table=COMPLIANCE_REVIEW, instance=document, user=user)
    return documents


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


def api_clients_administered_by(*, admin):
    from .models import ApiClient

    users = users_administered_by(admin=admin)
    return ApiClient.objects.filter(service_user__in=users).select_related("service_user")


def system_overview() -> dict:
    """The system administrator's read-only view: health, the security-relevant settings and
    the accounts per role. No secret is shown, only whether a development default is in use."""
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from apps.core.health import health_report

    def _is_default(value: str) -> bool:
        return "dev" in value.lower() or "development" in value.lower()

    rows = [
        (_("Debug mode"), settings.DEBUG),
        (_("Allowed hosts"), ", ".join(settings.ALLOWED_HOSTS)),
        (_("Database"), connection.vendor),
        (_("Evidence storage"), settings.STORAGES["evidence"]["BACKEND"].rsplit(".", 1)[-1]),
        (_("Secure cookies"), settings.SESSION_COOKIE_SECURE),
        (_("HTTPS redirect"), settings.SECURE_SSL_REDIRECT),
        (_("HSTS seconds"), settings.SECURE_HSTS_SECONDS),
        (_("Secret key is a development default"), _is_default(settings.SECRET_KEY)),
        (_("Idle session timeout (minutes)"), settings.SESSION_IDLE_MINUTES),
        (
            _("Roles that must use a second factor"),
            ", ".join(settings.SECOND_FACTOR_REQUIRED_ROLES),
        ),
        (_("Minimum password length"), settings.WIPP_PASSWORD_MIN_LENGTH),
        (_("Composition rule for"), ", ".join(settings.WIPP_PASSWORD_COMPOSITION_ROLES)),
        (_("Password change every (days)"), settings.WIPP_PASSWORD_MAX_AGE_DAYS),
        (_("Periodic change for"), ", ".join(settings.WIPP_PASSWORD_MAX_AGE_ROLES)),
        (_("Login failures before an account is locked"), settings.AXES_FAILURE_LIMIT),
        (
            _("Login failures before an address is locked"),
            settings.WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
        ),
        (_("Lockout (hours)"), settings.AXES_COOLOFF_TIME),
        (_("Security event window (seconds)"), settings.WIPP_SECURITY_EVENT_WINDOW_SECONDS),
    ]
    labels = dict(Role.choices)
    accounts = [
        (labels.get(row["role"], row["role"] or "—"), row["n"])
        for row in User.unscoped.filter(is_active=True)
        .values("role")
        .annotate(n=Count("id"))
        .order_by("role")
    ]
    return {"health": health_report(), "settings_rows": rows, "accounts": accounts}
