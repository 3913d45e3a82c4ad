"""A new version of evidence only by whom it belongs to (issue 12, item 1).

OWASP ASVS 5.0 8.2.2 (data-specific access: object-level write authorisation) and 8.3.1
(authorisation enforced at the service layer); GB/T 22239-2019 8.1.4.2 (access control: the
subject's privileges on the object). Every attacker below *can see* the file it tries to
replace — the write has to be refused on its own ground, on the web and on the API alike.
"""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.audit.models import AuditAction, AuditEntry
from apps.evidence.models import EvidenceFile, EvidenceVersion
from apps.evidence.records import evidence_references, unruled_references
from apps.procurement import services as procurement
from apps.procurement.models import DocumentKind, ProcurementDocument
from tests.factories import UserFactory
from tests.procurement.world import (
    APPROVED,
    PUBLISHED,
    awarded,
    build_world,
    contracted,
    draft,
    pdf,
)
from tests.scoping_world import user_for

from .factories import pdf_bytes, upload

pytestmark = pytest.mark.django_db
API = "/api/v1/evidence-files/"


def _office_tender(w):
    """The office's own tender document in a draft procurement of its city."""
    procurement_ = draft(w)
    document = procurement.procurement_document_add(
        user=w.office,
        procurement=procurement_,
        kind=DocumentKind.TENDER_DOCUMENTS,
        uploaded_file=pdf("office-tender.pdf"),
    )
    return document.evidence


def _versions(evidence_file) -> int:
    return EvidenceVersion.objects.filter(evidence_file=evidence_file).count()


def _assert_refused_on_web_and_api(client, user, evidence_file, *, status=403):
    """The attacker sees the file, and both ways of replacing it are refused; nothing stored."""
    client.force_login(user)
    assert client.get(reverse("evidence:detail", args=[evidence_file.pk])).status_code == 200
    web = client.post(
        reverse("evidence:replace", args=[evidence_file.pk]),
        {"file": upload("forged.pdf", pdf_bytes("forged web")), "note": "x"},
    )
    assert web.status_code == status
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(
        API,
        {"file": upload("forged.pdf", pdf_bytes("forged api")), "replaces": evidence_file.pk},
        format="multipart",
    )
    assert response.status_code == status, response.content
    assert _versions(evidence_file) == 1
    evidence_file.refresh_from_db()
    assert evidence_file.current_version.number == 1
    return web, response


def test_asvs_8_2_2_applicant_cannot_replace_the_offices_tender_document(client):
    a, _b = build_world()
    tender = _office_tender(a)
    web, _api = _assert_refused_on_web_and_api(client, a.users[Role.APPLICANT], tender)
    assert "Only the organisation that uploaded" in web.content.decode()


def test_asvs_8_2_2_expert_cannot_replace_the_service_agreement(client):
    a, _b = build_world()
    _procurement, _award, agreement = contracted(a)
    expert = user_for(Role.EXPERT, a)
    _assert_refused_on_web_and_api(client, expert, agreement.document)


def test_asvs_8_2_2_auditor_cannot_replace_the_award_notice(client):
    a, _b = build_world()
    _procurement, award = awarded(a)
    auditor = user_for(Role.AUDITOR, a)
    _assert_refused_on_web_and_api(client, auditor, award.notice_document)


def test_gbt22239_8_1_4_2_same_organisation_but_a_role_without_the_purpose_is_refused(client):
    """The office's user administrator shares the office's organisation but files no
    procurement documents (least privilege)."""
    a, _b = build_world()
    tender = _office_tender(a)
    admin = UserFactory(role=Role.USER_ADMIN, organisation=a.office.organisation)
    web, _api = _assert_refused_on_web_and_api(client, admin, tender)
    assert "Your role does not file documents" in web.content.decode()


def test_asvs_8_2_2_the_uploader_replaces_on_the_web_old_version_kept_and_audited(client):
    a, _b = build_world()
    tender = _office_tender(a)
    v1 = tender.current_version
    client.force_login(a.office)
    detail = client.get(reverse("evidence:detail", args=[tender.pk]))
    assert reverse("evidence:replace", args=[tender.pk]) in detail.content.decode()
    response = client.post(
        reverse("evidence:replace", args=[tender.pk]),
        {"file": upload("tender-v2.pdf", pdf_bytes("tender v2")), "note": "更正"},
    )
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.current_version.number == 2
    old = client.get(reverse("evidence:download", args=[tender.pk]) + "?version=1")
    assert old.status_code == 200
    assert hashlib.sha256(b"".join(old.streaming_content)).hexdigest() == v1.blob_id
    change = AuditEntry.unscoped.filter(
        action=AuditAction.UPDATE, object_type="evidence.EvidenceFile", object_id=str(tender.pk)
    ).latest("id")
    assert change.actor_id == a.office.pk
    assert change.before["current_version_id"] == v1.pk
    assert change.after["current_version_id"] == tender.current_version_id


def test_asvs_8_2_2_the_uploader_replaces_through_the_api(client):
    a, _b = build_world()
    tender = _office_tender(a)
    api = APIClient()
    api.force_authenticate(a.office)
    response = api.post(
        API,
        {"file": upload("tender-v2.pdf", pdf_bytes("tender api v2")), "replaces": tender.pk},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert [v["number"] for v in response.json()["versions"]] == [2, 1]


def test_gbt22239_8_1_4_2_no_new_version_once_the_record_is_closed(client):
    """The tender documents are what the bids answered: fixed once the procurement is
    published, even for their own uploader (400 with the reason, nothing stored)."""
    a, _b = build_world()
    tender = _office_tender(a)
    procurement.procurement_publish(
        user=a.hrss,
        procurement=ProcurementDocument.objects.get(evidence=tender).procurement,
        published_on=PUBLISHED,
    )
    web, _api = _assert_refused_on_web_and_api(client, a.office, tender, status=400)
    assert "can no longer be replaced" in web.content.decode()


def test_gbt22239_8_1_4_2_a_plan_is_replaceable_while_it_awaits_review_only(client):
    a, _b = build_world()
    _procurement, award = awarded(a)
    plan = procurement.plan_submit(user=a.implementer, award=award, uploaded_file=pdf("p.pdf"))
    api = APIClient()
    api.force_authenticate(a.implementer)
    ok = api.post(
        API,
        {"file": upload("plan-v2.pdf", pdf_bytes("plan v2")), "replaces": plan.document_id},
        format="multipart",
    )
    assert ok.status_code == 201, ok.content
    procurement.plan_review(user=a.office, plan=plan, approve=True, reviewed_on=APPROVED)
    refused = api.post(
        API,
        {"file": upload("plan-v3.pdf", pdf_bytes("plan v3")), "replaces": plan.document_id},
        format="multipart",
    )
    assert refused.status_code == 400
    assert _versions(EvidenceFile.unscoped.get(pk=plan.document_id)) == 2


def test_every_reference_to_evidence_has_an_open_or_closed_rule():
    """A new model that points at evidence must say when its record is closed; until it does,
    files it references count as closed (fail closed)."""
    assert ("procurement.Award", "notice_document") in evidence_references()
    assert unruled_references() == []
