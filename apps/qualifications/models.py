"""设备与资质登记 — the register an agency keeps of its equipment, licences and platform facts,
and the qualification checks (HB §10, §17) the procuring office runs against it.

One equipment row is one physical device (quantity 1), so that every device is identified by
its serial number and a check can say which devices made it pass.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import ProjectOwnedModel
from apps.core.scoping import Scope


class EquipmentKind(models.TextChoices):
    NETWORK_CAMERA = "network_camera", _("HD network camera")
    HD_RECORDER = "hd_recorder", _("HD video recorder")
    PROJECTOR = "projector", _("Portable HD projector")
    GEO_CAPTURE = "geo_capture", _("Geo-capture device (time, place, longitude, latitude)")
    OTHER = "other", _("Other equipment")


class LicenceKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    SCHOOL_LICENCE = "school_licence", _("Private school operating licence")
    OTHER = "other", _("Other qualification certificate")


class ScopeCategory(models.TextChoices):
    """Business-scope categories of HB §10 (三) 1."""

    EDUCATION_TRAINING = "education_training", _("Education and training")
    PROMOTION = "promotion", _("Promotion (culture, advertising)")
    PLANNING = "planning", _("Planning")
    CONSULTING = "consulting", _("Consulting")
    EVALUATION = "evaluation", _("Evaluation (survey)")


class AgencyType(models.TextChoices):
    OFFLINE_TRAINING = "offline_training", _("Offline training institution")
    ONLINE_PLATFORM = "online_platform", _("Online training platform")
    EVALUATION_AGENCY = "evaluation_agency", _("Evaluation agency")


class OrganisationOwned(ProjectOwnedModel):
    """Register rows: government users of the organisation's region read them, the
    organisation's own users read (and, through the services, edit) them."""

    jurisdiction_lookup = "organisation__jurisdiction"
    organisation_lookup = "organisation"

    class Meta:
        abstract = True

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        return Q(organisation_id=scope.organisation_id) if scope.organisation_id else None


class Equipment(OrganisationOwned):
    """设备 — one device of an agency (quantity 1 per row)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EquipmentKind.choices)
    device_model = models.CharField(_("model"), max_length=100)
    serial_number = models.CharField(_("serial number"), max_length=100)
    internet_connected = models.BooleanField(_("connected to the internet"), default=False)
    resolution_lines = models.PositiveIntegerField(
        _("resolution (vertical pixels)"),
        null=True,
        blank=True,
        help_text=_("For example 1080 for 1080p."),
    )
    audio_capture = models.BooleanField(_("captures audio"), default=False)
    rotation_degrees = models.PositiveSmallIntegerField(
        _("rotation (degrees)"), null=True, blank=True
    )
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    records_time_place_coordinates = models.BooleanField(
        _("records time, place, longitude and latitude"), default=False
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("purchase invoice or photo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "kind", "serial_number"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "serial_number"],
                name="equipment_serial_unique_per_organisation",
                violation_error_message=_(
                    "Your organisation already has equipment of this kind with this serial number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rotation_degrees__isnull=True) | Q(rotation_degrees__lte=360),
                name="equipment_rotation_at_most_360",
                violation_error_message=_("The rotation cannot be more than 360 degrees."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.device_model} SN {self.serial_number}"

    def clean(self) -> None:
        if self.kind == EquipmentKind.NETWORK_CAMERA:
            missing = {
                field: _("Give this for a network camera.")
                for field in ("resolution_lines", "rotation_degrees", "storage_gb")
                if getattr(self, field) is None
            }
            if missing:
                raise ValidationError(missing)


class Licence(OrganisationOwned):
    """资质证照 — a licence with its business scope."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="licences",
    )
    kind = models.CharField(_("licence"), max_length=20, choices=LicenceKind.choices)
    number = models.CharField(_("licence number"), max_length=100)
    business_scope = models.TextField(_("business scope (as on the licence)"))
    scope_categories = models.JSONField(
        _("business-scope categories"),
        default=list,
        blank=True,
        help_text=_("Which HB §10 categories the business scope covers."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty for a permanent licence.")
    )
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("licence scan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("in force"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "kind", "number"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "number"],
                name="licence_number_unique_per_organisation",
                violation_error_message=_(
                    "Your organisation already has a licence of this kind with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="licence_valid_until_after_from",
                violation_error_message=_("The licence must not expire before it becomes valid."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        categories = self.scope_categories
        if not isinstance(categories, list) or any(
            c not in ScopeCategory.values for c in categories
        ):
            raise ValidationError(
                {"scope_categories": _("Choose business-scope categories from the list.")}
            )
        self.scope_categories = sorted(set(categories))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})

    @property
    def scope_category_labels(self) -> list[str]:
        return [str(ScopeCategory(c).label) for c in self.scope_categories]

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class PlatformProfile(OrganisationOwned):
    """线上平台情况 — the facts HB §10 (二) asks of an online training platform."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="platform_profile",
    )
    has_online_learning = models.BooleanField(_("online learning"), default=False)
    has_system_administration = models.BooleanField(_("system administration"), default=False)
    has_government_supervision = models.BooleanField(_("government supervision"), default=False)
    has_security_operations = models.BooleanField(
        _("security operations and maintenance"), default=False
    )
    province_contract_number = models.CharField(
        _("contract with the province: number"), max_length=100, blank=True
    )
    province_contract_date = models.DateField(
        _("contract with the province: signed on"), null=True, blank=True
    )
    province_contract_evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("contract with the province: signed copy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    integrated = models.BooleanField(
        _("integrated with the management platform"),
        default=False,
        help_text=_("Uploads training data in real time and lets supervisors pull it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("online platform facts")
        verbose_name_plural = _("online platform facts")

    def __str__(self) -> str:
        return f"{self.organisation} · {self._meta.verbose_name}"


class QualificationCheckRecord(ProjectOwnedModel):
    """资格审查记录 — one run of the qualification check, kept as the evidence of an award."""

    project_lookup = "project"

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="qualification_checks",
    )
    agency_type = models.CharField(_("checked as"), max_length=20, choices=AgencyType.choices)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("procuring jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    project_type = models.CharField(_("project type"), max_length=12, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qualification_checks",
    )
    passed = models.BooleanField(_("passed"))
    lines = models.JSONField(_("check lines"), default=list)
    rules_version = models.CharField(_("rules"), max_length=40)
    rules_snapshot = models.JSONField(_("rules in force"), default=dict)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("qualification check")
        verbose_name_plural = _("qualification checks")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_agency_type_display()} · {self.year}"

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        # The procuring region sees its checks even of an agency from elsewhere; the agency's
        # own region and the agency itself see them too.
        if scope.region_path:
            return super().scope_filter(scope) | Q(
                organisation__jurisdiction__path__startswith=scope.region_path
            )
        if scope.organisation_id:
            return Q(organisation_id=scope.organisation_id)
        return None

    @property
    def result_label(self) -> str:
        return str(_("Qualified") if self.passed else _("Not qualified"))
