"""HB §22's acceptance materials as checklist data: 11 items for training, 9 for promotion, each
with its owner and what on the platform meets it (linked, not uploaded again)."""

import pytest

from apps.acceptance.selectors import acceptance_checklist
from apps.checklists.engine import checklist_get
from apps.evidence.services import evidence_upload
from apps.procurement.models import DocumentKind, ProcurementDocument
from tests.acceptance.world import apply, evaluate
from tests.implementation.world import pdf

pytestmark = pytest.mark.django_db

TRAINING_OWNERS = {
    "tender_documents": ("hrss", "office"),
    "service_agreement": ("si_agency",),
    "implementation_plan": ("implementer",),
    "materials": ("implementer",),
    "training_records": ("implementer", "online_platform"),
    "recordings": ("implementer",),
    "attendance_package": ("implementer",),
    "evaluation_report": ("evaluator",),
    "funds_audit": ("implementer", "auditor"),
    "application_form": ("implementer",),
    "acceptance_form": ("expert", "evaluator", "office"),
}
PROMOTION_OWNERS = {
    "tender_documents": ("hrss", "office"),
    "service_agreement": ("si_agency",),
    "implementation_plan": ("implementer",),
    "distribution": ("implementer",),
    "works": ("implementer",),
    "evaluation_report": ("evaluator",),
    "funds_audit": ("implementer", "auditor"),
    "application_form": ("implementer",),
    "acceptance_form": ("expert", "evaluator", "office"),
}


def test_items_and_owners_as_hb_22_lists_them():
    training = checklist_get("acceptance_training")
    promotion = checklist_get("acceptance_promotion")
    assert {i.code: i.owner_roles for i in training.items} == TRAINING_OWNERS
    assert {i.code: i.owner_roles for i in promotion.items} == PROMOTION_OWNERS
    assert [i.label for i in training.items][6] == "线下培训刷脸签到签退数据包"
    assert [i.clause for i in promotion.items][-1].startswith("HB §22 (二) 9")
    assert all(i.required for i in training.items + promotion.items)


def _links(result, code):
    row = next(r for r in result.results if r.item.code == code)
    return row.met, [url for _title, url in row.links]


def test_before_applying_what_is_missing_is_listed_with_links_to_the_records(world):
    a, _b, _clock = world
    result = acceptance_checklist(a.project)
    missing = {r.item.code for r in result.missing_required}
    assert missing >= {"evaluation_report", "application_form", "training_records", "recordings"}
    met, links = _links(result, "training_records")
    assert not met and links == [f"/training/projects/{a.project.pk}/"]
    met, links = _links(result, "funds_audit")
    assert links == [
        f"/implementation/projects/{a.project.pk}/funds/",
        f"/implementation/projects/{a.project.pk}/reports/",
    ]
    met, links = _links(result, "materials")
    assert links == [f"/implementation/projects/{a.project.pk}/prestart/"]
    met, links = _links(acceptance_checklist(a.promo), "distribution")
    assert links == [f"/implementation/projects/{a.promo.pk}/promotion/"]


def test_the_procurement_filing_documents_are_linked(world):
    a, _b, _clock = world
    procurement = a.agreement.award.procurement
    documents = {}
    for kind in (DocumentKind.TENDER_DOCUMENTS, DocumentKind.WINNING_BID):
        evidence = evidence_upload(
            uploaded_by=a.hrss,
            uploaded_file=pdf(f"{kind}.pdf"),
            purpose="procurement_document",
            title=str(kind.label),
            jurisdiction=a.project.jurisdiction,
            project=a.project,
        ).evidence_file
        ProcurementDocument.objects.create(
            procurement=procurement, kind=kind, evidence=evidence, uploaded_by=a.hrss
        )
        documents[kind] = evidence
    met, links = _links(acceptance_checklist(a.project), "tender_documents")
    assert not met  # the award notice is missing
    assert links == [f"/evidence/{documents[k].pk}/" for k in documents]
    row = next(
        r for r in acceptance_checklist(a.project).results if r.item.code == "tender_documents"
    )
    assert "Award notice" in row.detail


def test_the_acceptance_records_meet_their_items(world):
    a, _b, _clock = world
    application = evaluate(a, apply(a))
    result = acceptance_checklist(a.project, application)
    met, links = _links(result, "application_form")
    assert met and links == [f"/evidence/{application.form_document_id}/"]
    met, links = _links(result, "evaluation_report")
    assert met and links == [f"/evidence/{application.evaluation_report.evidence_id}/"]
    met, links = _links(result, "funds_audit")
    assert f"/evidence/{application.audit_opinion.evidence_id}/" in links
    assert not met  # no spending recorded yet
    met, _unused = _links(result, "acceptance_form")
    assert not met  # the office has not given its opinion
