"""Issue 16 item 7 — the write API for integrating systems: organisations by credit code,
procurement requirements in atomic idempotent batches with row errors, procurement
documents, application attachments; and issue 11 item 6 — no N+1 in the lists."""

import json

import pytest
from django.test import Client
from django.utils import translation

from apps.accounts.services import api_client_create
from apps.integrations.models import IdempotentBatch
from apps.procurement.models import RequirementItem, SyllabusLine
from tests.factories import OrganisationFactory, UserFactory
from tests.procurement import world as pw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _key_client(user) -> Client:
    admin = UserFactory(
        role="user_admin", organisation__jurisdiction=user.organisation.jurisdiction
    )
    _api, key = api_client_create(admin=admin, name="integrator", service_user=user)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}")


def _row(n, **extra):
    return {
        "name": f"一线作业人员培训 {n}",
        "quantity": "1000",
        "unit": "人次",
        "specification": "线上 4 学时",
        "acceptance_criterion": "签到签退记录覆盖 ≥ 95% 学员",
        "syllabus_lines": [
            {
                "trainee_type": "一线作业人员",
                "content": "高处坠落防护",
                "online_hours": "4",
                "offline_hours": "4",
            }
        ],
        **extra,
    }


def _batch(client, procurement, rows, key="k-1"):
    return client.post(
        f"/api/v1/procurements/{procurement.pk}/requirements/batch/",
        json.dumps({"requirements": rows}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def city():
    a, b = pw.build_world()
    return a, b, pw.draft(a, requirements=0)


def test_a_batch_of_requirements_is_stored_once_and_replayed(city):
    a, _b, procurement = city
    client = _key_client(a.hrss)
    rows = [_row(1), _row(2)]
    first = _batch(client, procurement, rows)
    assert first.status_code == 201, first.content
    assert [r["number"] for r in first.json()["results"]] == [1, 2]
    again = _batch(client, procurement, rows)
    assert again.status_code == 200 and again.json() == first.json()
    assert RequirementItem.objects.filter(procurement=procurement).count() == 2
    assert SyllabusLine.objects.filter(requirement__procurement=procurement).count() == 2
    other = _batch(client, procurement, [_row(3)])
    assert other.status_code == 409 and other.json()["code"] == "conflict"
    assert IdempotentBatch.objects.count() == 1


def test_a_bad_row_rejects_the_whole_batch_naming_each_row(city):
    a, _b, procurement = city
    client = _key_client(a.hrss)
    rows = [_row(1), _row(2, acceptance_criterion=""), _row(3, quantity="-1")]
    response = _batch(client, procurement, rows)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "batch_rejected"
    assert {e["row"] for e in body["errors"]} == {1, 2}
    assert "acceptance_criterion" in body["errors"][0]["errors"]
    assert not RequirementItem.objects.filter(procurement=procurement).exists()


def test_a_service_refusal_in_one_row_rolls_back_the_rows_before_it(city, monkeypatch):
    from django.core.exceptions import ValidationError

    from apps.procurement import services

    a, _b, procurement = city
    real = services.requirement_add

    def refuse_second(**kwargs):
        if kwargs["name"].endswith("2"):
            raise ValidationError({"name": "拒绝"})
        return real(**kwargs)

    monkeypatch.setattr(services, "requirement_add", refuse_second)
    response = _batch(_key_client(a.hrss), procurement, [_row(1), _row(2)])
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 1, "errors": {"name": ["拒绝"]}}]
    assert not RequirementItem.objects.filter(procurement=procurement).exists()
    assert not IdempotentBatch.objects.exists()


def test_no_key_is_a_400_and_another_citys_procurement_a_404(city):
    a, b, procurement = city
    response = _batch(_key_client(a.hrss), procurement, [_row(1)], key="")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]
    assert _batch(_key_client(b.hrss), procurement, [_row(1)]).status_code == 404
    assert not RequirementItem.objects.filter(procurement=procurement).exists()


def test_procurement_documents_are_uploaded_by_the_procuring_authority(city):
    a, _b, procurement = city
    response = _key_client(a.hrss).post(
        f"/api/v1/procurements/{procurement.pk}/documents/",
        {"kind": "tender_documents", "file": pw.pdf("tender-2.pdf"), "title": "招标文件修订"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "tender_documents"
    assert procurement.documents.count() == 2


def test_an_organisation_is_found_by_its_credit_code(city):
    a, _b, _procurement = city
    client = _key_client(a.office)
    code = a.trainer.credit_code
    found = client.get("/api/v1/organisations/", {"credit_code": code.lower()}).json()
    assert [o["id"] for o in found["results"]] == [a.trainer.pk]
    stranger = OrganisationFactory()
    assert (
        client.get("/api/v1/organisations/", {"credit_code": stranger.credit_code}).json()["count"]
        == 0
    )


def test_the_procurement_list_names_winners_without_a_query_per_row(
    city, django_assert_max_num_queries
):
    a, b, _procurement = city
    pw.awarded(b)
    province_office = UserFactory(role="office", organisation__jurisdiction=a.city.parent)
    client = Client()
    client.force_login(province_office)
    with django_assert_max_num_queries(14) as one:
        client.get("/api/v1/procurements/")
    for code in ("139903", "139904", "139905"):
        pw.awarded(pw.build_city(a.city.parent, code))
    with django_assert_max_num_queries(len(one.captured_queries)):
        listed = client.get("/api/v1/procurements/").json()
    assert sum(1 for p in listed["results"] if p["award"]) == 4
    assert {p["award"]["winner_name"] for p in listed["results"] if p["award"]}


def test_application_list_leaves_out_narratives_and_its_queries_do_not_grow(
    django_assert_max_num_queries,
):
    from tests.applications.builders import submitted_application
    from tests.calls.factories import CallFactory

    call = CallFactory()
    submitted_application(call)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    client = Client()
    client.force_login(office)
    with django_assert_max_num_queries(20) as one:
        listed = client.get("/api/v1/applications/").json()["results"]
    assert "background" not in listed[0] and "project_name" in listed[0]
    for _ in range(3):
        submitted_application(call)
    with django_assert_max_num_queries(len(one.captured_queries)):
        listed = client.get("/api/v1/applications/").json()["results"]
    assert len(listed) == 4
    expanded = client.get("/api/v1/applications/", {"expand": "narratives"}).json()
    assert expanded["results"][0]["background"]
    only = client.get("/api/v1/applications/", {"fields": "number,status"}).json()
    assert set(only["results"][0]) == {"id", "number", "status"}
    detail = client.get(f"/api/v1/applications/{listed[0]['id']}/").json()
    assert detail["background"]


def test_an_applicants_system_adds_and_lists_attachments(client):
    from tests.applications.builders import draft_application, scan_pdf
    from tests.calls.factories import CallFactory

    application, user = draft_application(CallFactory(), sealed_scan=False)
    api = _key_client(user)
    url = f"/api/v1/applications/{application.pk}/attachments/"
    added = api.post(url, {"kind": "business_licence", "file": scan_pdf("licence")})
    assert added.status_code == 201, added.content
    assert added.json()["kind"] == "business_licence"
    listed = api.get(url).json()
    assert [a["kind"] for a in listed] == ["business_licence"]
    bad = api.post(url, {"kind": "nonsense", "file": scan_pdf("x")})
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
