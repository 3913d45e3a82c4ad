"""Which records an evidence file supports, and whether they are still open.

A new version of an evidence file changes what a record shows as its document. That is
legitimate while the record is still being worked on (a draft application's scan, a plan that
is waiting for review) and a falsification once the record is decided, filed or paid: the
decision was taken on the content as it was.

There is no generic "open" flag on the records, so the rule is read from each record that
points at the file, as data below: for every model field referencing `EvidenceFile`, the rows
that count as *closed*. A file is closed as soon as one referencing row is. The choices are
conservative — when in doubt a record counts as closed, and the owner files a new document
through the record's own step instead:

- compliance document (accounts): open while submitted; approved or returned is decided.
- application attachment: open while the application is a draft.
- organisation event (review): always closed; scoring reads it as recorded.
- joint-meeting minutes: open while the meeting is the determination's current step (status
  "meeting held" and the meeting of the current revision); submitted, returned, approved and
  filed determinations keep them as they were.
- adjustment consent document: open only while consented and not yet published.
- qualification register (equipment, licences, platform facts): open. The register is the
  agency's living record; a check record names the evidence file and every version keeps its
  upload time, so what was current at the check stays provable and downloadable.
- findings: an answer's evidence while the finding is open; what an answer brought, never.
- procurement: tender documents while the procurement is a draft (bids answer the published
  ones); bids while it is published (not yet awarded); the award notice until the service
  agreement is signed; the implementation plan while it awaits review; the agreement until the
  first payment; payment vouchers never (a correction is a new entry). Nothing of a filed or
  cancelled procurement.
- implementation: a pre-start package's uploads and certificates while the package is being
  prepared or was returned (submitted and approved packages are reviewed as they are);
  promotion proofs and funds vouchers never (a correction is a new record).
- acceptance: the application form, the written implementation report, the evaluation
  agency's acceptance report and the auditor's opinion never — the office decides on them as
  filed (a correction is a new application after a failed acceptance).
- rectification: an order's notice and the evidence of an answer never — the remedy is
  confirmed or returned on them as filed (a new answer brings new files).

A field that references `EvidenceFile` but has no rule here counts as closed (fails closed);
`tests/evidence/test_replace_ownership.py` lists every such field so that a new one gets a
deliberate rule.
"""

from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.db.models import F, Q

NEVER_CLOSED = Q(pk__in=[])
ALWAYS_CLOSED = Q()


def _rules() -> dict[tuple[str, str], Callable[[], Q]]:
    from apps.accounts.models import ComplianceDocumentStatus
    from apps.applications.models import ApplicationStatus
    from apps.determination.models import AdjustmentStatus, DeterminationStatus
    from apps.findings.models import FindingStatus
    from apps.implementation.models import EDITABLE_PACKAGE
    from apps.procurement.models import DocumentKind, PlanStatus, ProcurementStatus

    ended = (ProcurementStatus.FILED, ProcurementStatus.CANCELLED)
    return {
        ("accounts.ComplianceDocument", "evidence"): lambda: (
            ~Q(status=ComplianceDocumentStatus.SUBMITTED)
        ),
        ("applications.ApplicationAttachment", "evidence"): lambda: (
            ~Q(application__status=ApplicationStatus.DRAFT)
        ),
        ("review.OrganisationEvent", "evidence"): lambda: ALWAYS_CLOSED,
        ("determination.JointMeeting", "minutes_file"): lambda: (
            ~(
                Q(determination__status=DeterminationStatus.MEETING_HELD)
                & Q(revision=F("determination__revision"))
            )
        ),
        ("determination.Adjustment", "consent_document"): lambda: (
            ~Q(status=AdjustmentStatus.CONSENTED)
        ),
        ("qualifications.Equipment", "evidence"): lambda: NEVER_CLOSED,
        ("qualifications.Licence", "evidence"): lambda: NEVER_CLOSED,
        ("qualifications.PlatformProfile", "province_contract_evidence"): lambda: NEVER_CLOSED,
        ("procurement.ProcurementDocument", "evidence"): lambda: (
            Q(procurement__status__in=ended)
            | (
                Q(kind=DocumentKind.TENDER_DOCUMENTS)
                & ~Q(procurement__status=ProcurementStatus.DRAFT)
            )
            | (
                Q(kind__in=(DocumentKind.BID_RECEIVED, DocumentKind.WINNING_BID))
                & ~Q(procurement__status=ProcurementStatus.PUBLISHED)
            )
        ),
        ("procurement.Award", "notice_document"): lambda: (
            Q(procurement__status__in=ended) | Q(agreement__isnull=False)
        ),
        ("procurement.ImplementationPlan", "document"): lambda: (
            ~Q(status=PlanStatus.SUBMITTED) | Q(award__procurement__status__in=ended)
        ),
        ("contracts.ServiceAgreement", "document"): lambda: (
            Q(award__procurement__status__in=ended) | Q(payments__isnull=False)
        ),
        ("contracts.Payment", "document"): lambda: ALWAYS_CLOSED,
        # An answer's evidence while the finding awaits an answer; what an answer brought is
        # kept as it was once the office has it (a new answer brings a new file).
        ("findings.Finding", "evidence"): lambda: ~Q(status=FindingStatus.OPEN),
        ("findings.FindingEvent", "evidence"): lambda: ALWAYS_CLOSED,
        # A session recording is the video as it was probed and checked; another recording is
        # a new upload (training.recordings).
        ("training.Recording", "evidence"): lambda: ALWAYS_CLOSED,
        # Rectification: the order's notice as raised and the evidence of an answer as filed —
        # the remedy is confirmed or returned on them (a new answer brings new files).
        ("rectification.RectificationOrder", "document"): lambda: ALWAYS_CLOSED,
        ("rectification.RectificationAnswerFile", "evidence"): lambda: ALWAYS_CLOSED,
        ("implementation.PackageFile", "evidence"): lambda: (
            ~Q(package__status__in=EDITABLE_PACKAGE)
        ),
        ("implementation.StaffMember", "certificate"): lambda: (
            ~Q(package__status__in=EDITABLE_PACKAGE)
        ),
        ("implementation.PromotionProof", "evidence"): lambda: ALWAYS_CLOSED,
        ("implementation.FundsEntry", "voucher"): lambda: ALWAYS_CLOSED,
        ("acceptance.AcceptanceApplication", "form_document"): lambda: ALWAYS_CLOSED,
        ("acceptance.AcceptanceApplication", "implementation_report"): lambda: ALWAYS_CLOSED,
        ("acceptance.EvaluationReport", "evidence"): lambda: ALWAYS_CLOSED,
        ("acceptance.AuditOpinion", "evidence"): lambda: ALWAYS_CLOSED,
        # supervision (apps.supervision): the plan's document while the plan is a draft or
        # returned (the agency revises it), never once submitted; a periodic report's signed
        # copy and an inspection's photos and videos (original and watermarked copy) never —
        # what was taken on site is kept as taken.
        ("supervision.SupervisionPlan", "document"): lambda: ~Q(status__in=("draft", "returned")),
        ("supervision.PeriodicReport", "document"): lambda: ALWAYS_CLOSED,
        ("supervision.InspectionMedia", "original"): lambda: ALWAYS_CLOSED,
        ("supervision.InspectionMedia", "watermarked"): lambda: ALWAYS_CLOSED,
    }


@cache
def evidence_references() -> tuple[tuple[str, str], ...]:
    """Every (model label, field name) of the project that points at an evidence file; the
    evidence store's own version rows excluded."""
    from .models import EvidenceFile

    found = []
    for model in apps.get_models():
        if model._meta.app_label == "evidence":
            continue
        for field in model._meta.get_fields():
            if (
                getattr(field, "concrete", False)
                and field.is_relation
                and field.related_model is EvidenceFile
            ):
                found.append((model._meta.label, field.name))
    return tuple(sorted(found))


def unruled_references() -> list[tuple[str, str]]:
    rules = _rules()
    return [reference for reference in evidence_references() if reference not in rules]


def evidence_closed_record(*, evidence_file):
    """The first closed record the file supports (a model instance), or None if all are open.

    Reads with each model's base manager: the question is about the record, not about what
    the asking user may see of it.
    """
    rules = _rules()
    for label, field in evidence_references():
        model = apps.get_model(label)
        rows = model._base_manager.filter(**{field: evidence_file})
        rule = rules.get((label, field))
        closed = rule() if rule is not None else ALWAYS_CLOSED
        record = rows.filter(closed).first()
        if record is not None:
            return record
    return None
