"""问题 — what a check of the platform found (SPEC §5): a missed deadline, a failed preliminary
review or qualification check, and later attendance integrity, inspections and rectification.

One engine for all of them: a finding names its rule and the clause it rests on, its
severity, the object it is about (any row: a deadline, an application, an award…), the
evidence it rests on, who must act, its status and its history.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.ownership import OwnedModel, ProjectOwnedModel, participant_projects_q
from apps.core.scoping import Scope


class FindingSeverity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


OUTSTANDING_STATUSES = (FindingStatus.OPEN, FindingStatus.ANSWERED)


class Finding(ProjectOwnedModel):
    """问题 — one finding of one rule about one subject."""

    organisation_lookup = "owner_organisation"
    project_lookup = "project"

    rule_code = models.CharField(_("rule"), max_length=60)
    citation = models.CharField(_("clause"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=FindingSeverity.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("about"), max_length=300)
    # Several findings of one rule about one subject are told apart by a key (e.g. the
    # session of an attendance finding); raising the same one again changes nothing.
    key = models.CharField(max_length=100, blank=True, default="")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    message = models.TextField(_("finding"))
    evidence = models.ManyToManyField(
        "evidence.EvidenceFile", verbose_name=_("evidence"), blank=True, related_name="findings"
    )
    records = models.JSONField(
        _("platform records"),
        default=list,
        blank=True,
        help_text=_("The platform's own records the finding rests on (what, which, value)."),
    )
    owner_role = models.CharField(_("who must act"), max_length=20, choices=Role.choices)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation that must act"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    status_note = models.TextField(_("reason"), blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="finding_subject"),
            models.Index(fields=["status", "jurisdiction"], name="finding_status_region"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "subject_type", "subject_id", "key"],
                name="one_finding_per_rule_subject_key",
                violation_error_message=_("This finding has already been raised for this item."),
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(status_note=""),
                name="dismissed_finding_has_reason",
                violation_error_message=_("Give the reason for dismissing the finding."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citation} · {self.subject_label}"[:300]

    @property
    def is_outstanding(self) -> bool:
        return self.status in OUTSTANDING_STATUSES

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        # The organisation that must act always sees its findings; participants of a project
        # see the project's findings once cleared (HB §25).
        if not scope.participant or not scope.organisation_id:
            return None
        condition = Q(owner_organisation_id=scope.organisation_id)
        if scope.cleared:
            condition |= participant_projects_q("project", scope)
        return condition


class FindingEvent(OwnedModel):
    """One step in a finding's history: raised, answered (with evidence), resolved…"""

    jurisdiction_lookup = "finding__jurisdiction"
    project_lookup = "finding__project"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("step"), max_length=20)
    status_after = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("finding step")
        verbose_name_plural = _("finding steps")

    def __str__(self) -> str:
        return f"{self.finding} · {self.action}"
