"""Acceptance (验收, HB §21–23; SZ 6.5): the implementing agency's application, the evaluation
agency's acceptance report (合格/不合格), the auditor's expense opinion, the experts' opinions and
the office's acceptance opinion. The project moves only through the stage table
(apps/projects/lifecycle.py); the application's own steps are in `workflow.py`."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import OwnedModel, ProjectOwnedModel

PROJECT_JURISDICTION = "project__jurisdiction"
APPLICATION_JURISDICTION = "application__project__jurisdiction"


class AcceptanceStatus(models.TextChoices):
    APPLIED = "applied", _("Applied; awaiting the evaluation report and the audit opinion")
    EVALUATED = "evaluated", _("Evaluated 合格; awaiting the office's opinion")
    EVALUATED_FAILED = "evaluated_failed", _("Evaluated 不合格; awaiting the office's opinion")
    ACCEPTED = "accepted", _("Accepted (合格)")
    FAILED = "failed", _("Failed (不合格)")


#: An application still under way: a project has at most one.
OPEN_STATUSES = (
    AcceptanceStatus.APPLIED,
    AcceptanceStatus.EVALUATED,
    AcceptanceStatus.EVALUATED_FAILED,
)


class AcceptanceApplication(ProjectOwnedModel):
    """工伤预防项目验收申请 — filed by the implementing agency once the project is done (HB §21).
    A failed acceptance sends the project back to implementation; it applies again with a new
    application, the failed one is kept."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="acceptance_applications"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("implementing agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AcceptanceStatus.choices,
        default=AcceptanceStatus.APPLIED,
    )
    finished_on = models.DateField(_("implementation finished on"))
    summary = models.TextField(_("implementation and targets achieved"))
    form_document = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("acceptance application form (验收申请表)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    commits_report = models.BooleanField(
        _("commits to a written implementation report within 10 working days (SZ 6.5)"),
        default=False,
    )
    implementation_report = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("written implementation report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    report_submitted_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied at"))
    evaluated_on = models.DateField(
        _("report and audit opinion complete on"), null=True, blank=True
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("office's opinion issued at"), null=True, blank=True)
    opinion = models.TextField(_("office's opinion"), blank=True)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("acceptance application")
        verbose_name_plural = _("acceptance applications")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["applied", "evaluated", "evaluated_failed"]),
                name="one_open_acceptance_per_project",
                violation_error_message=_(
                    "This project already has an acceptance application in progress."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {_('acceptance')} · {self.applied_at:%Y-%m-%d}"


class Verdict(models.TextChoices):
    PASS = "pass", _("合格 (pass)")
    FAIL = "fail", _("不合格 (fail)")


class AcceptanceChild(OwnedModel):
    jurisdiction_lookup = APPLICATION_JURISDICTION
    project_lookup = "application__project"

    class Meta:
        abstract = True


class EvaluationReport(AcceptanceChild):
    """项目评估验收报告 — the evaluation agency's comprehensive evaluation (HB §21)."""

    organisation_lookup = "organisation"

    application = models.OneToOneField(
        AcceptanceApplication, on_delete=models.PROTECT, related_name="evaluation_report"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("verdict"), max_length=4, choices=Verdict.choices)
    summary = models.TextField(_("implementation and targets: the evaluation"))
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("evaluation acceptance report"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("evaluation acceptance report")

    def __str__(self) -> str:
        return f"{self.application} · {self.get_verdict_display()}"


class AuditOpinion(AcceptanceChild):
    """审核意见 — the professional auditor's opinion on the compliance of the expenses (HB §21),
    with an audit report where needed."""

    person_lookup = "auditor"

    application = models.OneToOneField(
        AcceptanceApplication, on_delete=models.PROTECT, related_name="audit_opinion"
    )
    auditor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    compliant = models.BooleanField(_("expenses compliant"))
    opinion = models.TextField(_("opinion"))
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("audit opinion or report"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("audit opinion")

    def __str__(self) -> str:
        return f"{self.application} · {self.auditor}"


class ExpertOpinion(AcceptanceChild):
    """专家意见 — an expert in the field taking part in a technical project's acceptance."""

    person_lookup = "expert"

    application = models.ForeignKey(
        AcceptanceApplication, on_delete=models.PROTECT, related_name="expert_opinions"
    )
    expert = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("opinion"))
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("expert opinion")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                name="one_opinion_per_expert",
                violation_error_message=_(
                    "This expert has already given an opinion on this application."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.expert}"
