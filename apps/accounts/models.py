from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.ownership import Owned, OwnedModel, ProjectOwnedModel
from apps.core.scoping import Scope, ScopedQuerySet
from apps.core.validators import validate_unified_social_credit_code
from apps.jurisdictions.models import Jurisdiction

from .roles import OrganisationKind, Role


class Organisation(ProjectOwnedModel):
    """单位 — every party of SPEC §2 is an organisation with a home jurisdiction."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_unified_social_credit_code],
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("home jurisdiction"), on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction__path", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        return Q(pk=scope.organisation_id) if scope.organisation_id else None


class ComplianceDocumentKind(models.TextChoices):
    CONFIDENTIALITY_AGREEMENT = "confidentiality", _("Confidentiality agreement (HB §25)")
    IMPLEMENTER_ACCOUNT_APPLICATION = (
        "implementer_account",
        _("Implementing agency account application form (HB §12)"),
    )
    EVALUATOR_ACCOUNT_APPLICATION = (
        "evaluator_account",
        _("Evaluator account application form (HB §18)"),
    )
    EVALUATOR_COMMITMENT = "evaluator_commitment", _("Evaluator commitment letter (HB §18)")


class ComplianceDocumentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned")


class ComplianceDocument(ProjectOwnedModel):
    """在案文件 — a signed document an organisation (or one of its people) must have on file."""

    jurisdiction_lookup = "organisation__jurisdiction"
    # The organisation that filed it: its users are told when the office approves or returns
    # it (apps.deadlines.notifications, through transition_apply).
    organisation_lookup = "organisation"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="compliance_documents"
    )
    person = models.ForeignKey(
        "accounts.User",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compliance_documents",
        help_text=_("For documents signed by one evaluator or expert."),
    )
    kind = models.CharField(_("document"), max_length=30, choices=ComplianceDocumentKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ComplianceDocumentStatus.choices,
        default=ComplianceDocumentStatus.SUBMITTED,
    )
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", on_delete=models.PROTECT, null=True, blank=True
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document on file")
        verbose_name_plural = _("documents on file")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        """The organisation's page, where its documents on file are listed."""
        return reverse("manage:organisation_detail", args=[self.organisation_id])

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        return Q(organisation_id=scope.organisation_id) if scope.organisation_id else None


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(Owned, AbstractUser):
    """用户 — one person's account, bound to one organisation and one role."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    mobile = EncryptedTextField(_("mobile number"), blank=True)
    mobile_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Bumped by "log out everywhere"; part of the session hash, so every session dies with it.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    second_factor_required = models.BooleanField(_("second factor required"), default=False)
    # Start of the password's validity for the periodic-change rule (等保 8.1.4.1); existing
    # accounts count from the migration that added it.
    password_changed_at = models.DateTimeField(
        _("password changed at"), default=timezone.now, editable=False
    )

    # As for RegionScopedModel: the plain manager first (Django's auth uses the default one),
    # the fail-closed `objects` for everything a user asks to see.
    unscoped = UserManager()
    objects = ScopedUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def jurisdiction(self):
        return self.organisation.jurisdiction if self.organisation_id else None

    jurisdiction_lookup = "organisation__jurisdiction"
    organisation_lookup = "organisation"

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        if scope.region_path:
            return Q(organisation__jurisdiction__path__startswith=scope.region_path)
        if scope.organisation_id:
            return Q(organisation_id=scope.organisation_id)
        return Q(pk=scope.user_id)

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "wipp.accounts.User.session",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()


class ApiClient(OwnedModel):
    """接口客户端 — a machine client (online platform, check-in device) with its own key."""

    name = models.CharField(_("name"), max_length=100)
    service_user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_("The account whose role and scope the client acts with."),
    )
    key_prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix})"

    jurisdiction_lookup = "service_user__organisation__jurisdiction"


class SecurityEventWindow(models.Model):
    """Counter of one kind of security event (refusal, OTP failure, lockout...) by one user or
    address in one time window. The first event of a window is written to the audit log at
    once; the rest are only counted here and summarised in one entry when the window closes,
    so that a crawler cannot flood the log (等保 8.1.4.3, ASVS 16.3)."""

    kind = models.CharField(_("kind"), max_length=20)
    username = models.CharField(_("user"), max_length=150, blank=True)
    # Text, not GenericIPAddressField: the unique key needs "" rather than NULL for no address.
    ip_address = models.CharField(_("from address"), max_length=45, blank=True)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=1)
    last_at = models.DateTimeField(_("last seen"))
    first_detail = models.CharField(_("first"), max_length=300, blank=True)
    last_detail = models.CharField(_("last"), max_length=300, blank=True)
    jurisdiction_path = models.CharField(max_length=200, blank=True)
    summarised = models.BooleanField(default=False)

    # The counter itself is not audited row by row: that is the flood it exists to prevent.
    audit_exempt = True

    class Meta:
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "username", "ip_address", "window_start"],
                name="security_event_window_unique",
                violation_error_message=_(
                    "This security event is already counted for this time window."
                ),
            )
        ]
        indexes = [models.Index(fields=["summarised", "window_start"])]
        verbose_name = _("security event counter")
        verbose_name_plural = _("security event counters")

    def __str__(self) -> str:
        return f"{self.kind} {self.username or '-'} {self.ip_address or '-'} ×{self.count}"
