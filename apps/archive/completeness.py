"""The completeness check before archiving (HB §23: 第三方评估机构通过管理平台清点、归集上述资料，
确保档案完整): every checklist of every stage of the project, item by item — met or missing —
grouped by stage:

- procurement (HB §11): the filing checklist of each of the project's procurements (its own
  and its lot's, cancelled ones left out);
- implementation (HB §12–13): the pre-start package's checklist (training or promotion);
- acceptance (HB §21–22): the acceptance materials' checklist of the accepted application, and
  the office's 合格 opinion itself;
- balance payment (HB §23): the ledger closed at the contract amount.

A stage without the record its checklist is about (no procurement, no package, no accepted
application, no agreement) is one missing item saying so. The checklists are the data of
apps/checklists; this module only collects them for one project."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.checklists.engine import checklist_evaluate
from apps.projects.models import ProjectStage


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    met: bool
    required: bool = True
    detail: str = ""
    links: tuple = ()


@dataclass
class StageCheck:
    stage: str
    label: str
    checklist: str = ""
    items: list[Item] = field(default_factory=list)

    @property
    def missing(self) -> list[Item]:
        return [i for i in self.items if i.required and not i.met]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class Completeness:
    stages: list[StageCheck]

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.stages)

    @property
    def missing(self) -> list[tuple[StageCheck, Item]]:
        return [(s, i) for s in self.stages for i in s.missing]

    def missing_text(self) -> str:
        """The missing items as one line per stage (the refusal's message)."""
        return "；".join(
            f"{s.label}: {'、'.join(i.label for i in s.missing)}" for s in self.stages if s.missing
        )

    def as_dict(self) -> dict:
        return {
            "complete": self.complete,
            "stages": [
                {
                    "stage": s.stage,
                    "label": s.label,
                    "checklist": s.checklist,
                    "complete": s.complete,
                    "items": [
                        {
                            "code": i.code,
                            "label": i.label,
                            "required": i.required,
                            "met": i.met,
                            "detail": i.detail,
                        }
                        for i in s.items
                    ],
                }
                for s in self.stages
            ],
        }


def _items(result, prefix: str = "") -> list[Item]:
    return [
        Item(
            code=f"{prefix}{r.item.code}",
            label=f"{prefix and prefix.rstrip(':') + ' · '}{r.item.display_label}",
            met=r.met,
            required=r.item.required,
            detail=str(r.detail),
            links=tuple(r.links),
        )
        for r in result.results
    ]


def _stage_label(stage: str) -> str:
    return str(ProjectStage(stage).label)


def _procurement_stage(project) -> StageCheck:
    from apps.procurement.models import Procurement, ProcurementStatus

    check = StageCheck(ProjectStage.PROCUREMENT, _stage_label(ProjectStage.PROCUREMENT))
    procurements = list(
        Procurement.unscoped.filter(Q(project=project) | Q(lot__projects=project))
        .exclude(status=ProcurementStatus.CANCELLED)
        .distinct()
        .order_by("pk")
    )
    check.checklist = "procurement_filing"
    if not procurements:
        check.items.append(Item("procurement", _("A procurement of the project"), False))
    for procurement in procurements:
        result = checklist_evaluate(code="procurement_filing", subject=procurement)
        prefix = f"{procurement.title}:" if len(procurements) > 1 else ""
        check.items.extend(_items(result, prefix))
    return check


def _implementation_stage(project) -> StageCheck:
    from apps.implementation.models import PrestartPackage

    check = StageCheck(ProjectStage.IMPLEMENTATION, _stage_label(ProjectStage.IMPLEMENTATION))
    package = PrestartPackage.unscoped.filter(project=project).first()
    check.checklist = f"implementation_prestart_{project.project_type}"
    if package is None:
        check.items.append(Item("prestart_package", _("The pre-start package"), False))
        return check
    check.items.extend(_items(checklist_evaluate(code=package.checklist_code, subject=package)))
    return check


def _acceptance_stage(project) -> StageCheck:
    from apps.acceptance.selectors import checklist_code
    from apps.acceptance.services import accepted_application

    check = StageCheck(ProjectStage.ACCEPTANCE, _stage_label(ProjectStage.ACCEPTANCE))
    check.checklist = checklist_code(project)
    application = accepted_application(project)
    check.items.append(
        Item(
            "acceptance_opinion",
            _("The office's acceptance opinion: 合格"),
            application is not None,
            detail=application.decided_at.isoformat() if application is not None else "",
        )
    )
    result = checklist_evaluate(
        code=check.checklist, subject=project, context={"application": application}
    )
    check.items.extend(_items(result))
    return check


def _payment_stage(project) -> StageCheck:
    from apps.acceptance.services import agreement_of

    check = StageCheck(ProjectStage.PAYMENT, _stage_label(ProjectStage.PAYMENT))
    agreement = agreement_of(project)
    if agreement is None:
        check.items.append(Item("agreement", _("The service agreement"), False))
        return check
    closed = agreement.paid_total == agreement.amount
    check.items.append(
        Item(
            "ledger_closed",
            _("Balance paid: the ledger closed at the contract amount"),
            closed,
            detail=f"{agreement.paid_total} / {agreement.amount}",
        )
    )
    return check


def project_completeness(project) -> Completeness:
    """Every checklist of every stage of `project`, met and missing items by stage."""
    return Completeness(
        [
            _procurement_stage(project),
            _implementation_stage(project),
            _acceptance_stage(project),
            _payment_stage(project),
        ]
    )
