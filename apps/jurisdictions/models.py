from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import OwnedModel


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")


class Jurisdiction(models.Model):
    """辖区 — the province or one of its cities (雄安新区、定州市、辛集市 count as cities, HB §4).

    A city running its own programme (e.g. Shenzhen) is a root of its own. `path` holds the
    codes from the root down ("130000/130100/") so a subtree is one prefix filter.
    """

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(level="province") | models.Q(parent__isnull=True),
                name="province_is_root",
                violation_error_message=_("A province cannot sit under another jurisdiction."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent_id else ''}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def root(self) -> "Jurisdiction":
        return self.parent if self.parent_id else self

    def audit_jurisdiction_path(self) -> str:
        return self.path


class KeyIndustry(OwnedModel):
    """重点行业领域 — determined by the province (HB §4); cities call within this list."""

    jurisdiction_lookup = "province"

    province = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="key_industries"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["province", "code"]
        verbose_name = _("key industry")
        verbose_name_plural = _("key industries")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"],
                name="unique_industry_code",
                violation_error_message=_(
                    "This province already has a key industry with this code."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class AnnualSetting(OwnedModel):
    """年度设置 — one jurisdiction's figures for one budget year: fund total, industries, rubric."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="annual_settings"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    budget_total = MoneyField(_("prevention fund total (yuan)"))
    key_industries = models.ManyToManyField(
        KeyIndustry, verbose_name=_("key industries called"), blank=True
    )
    rubric_code = models.CharField(_("rubric in force"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["jurisdiction", "-year"]
        verbose_name = _("annual setting")
        verbose_name_plural = _("annual settings")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year"],
                name="one_setting_per_year",
                violation_error_message=_("This jurisdiction already has settings for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_total__gte=0),
                name="budget_positive",
                violation_error_message=_("The fund total cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year}"


class DayUnit(models.TextChoices):
    WORKING = "working", _("statutory working days")
    CALENDAR = "calendar", _("calendar days")


class DeadlineRule(OwnedModel):
    """期限规则 — a deadline of the measures as data per jurisdiction (HB §11, §13, §23; SZ 6.5)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="deadline_rules"
    )
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    days = models.PositiveSmallIntegerField(_("days"))
    unit = models.CharField(_("unit"), max_length=10, choices=DayUnit.choices)
    before_event = models.BooleanField(
        _("counted back from the event"),
        default=False,
        help_text=_("For deadlines such as 'at least one week before the start'."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        ordering = ["jurisdiction", "code"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code"],
                name="unique_deadline_rule",
                violation_error_message=_(
                    "This jurisdiction already has a deadline rule with this code."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.days} {self.get_unit_display()})"
