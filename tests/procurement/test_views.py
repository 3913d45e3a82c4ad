"""Procurement pages and API: the scoping matrix, steps by role, errors on the form, exports,
queries that do not grow with the rows."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.accounts.roles import Role
from apps.contracts import services as contract_services
from apps.procurement import services
from apps.procurement.models import Award, ProcurementStatus, RequirementItem
from apps.qualifications.models import QualificationCheckRecord
from tests.procurement.world import (
    NOTICE,
    build_city,
    build_world,
    contracted,
    draft,
    pdf,
    published,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ROLES = [Role.OFFICE, Role.HRSS, Role.SI_AGENCY, Role.IMPLEMENTER, Role.APPLICANT]


@pytest.fixture
def both():
    a, b = build_world()
    for w in (a, b):
        _p, _award, agreement = contracted(w)
        contract_services.payment_record(
            user=w.si_agency,
            agreement=agreement,
            kind="advance",
            amount="234000.00",
            paid_on=datetime.date(2026, 11, 12),
            uploaded_file=pdf(),
        )
        w.procurement = _p
        w.agreement = agreement
        w.payment = agreement.payments.get()
    return a, b


@pytest.mark.parametrize("role", ROLES)
def test_scoping_matrix_of_pages_and_api(client, both, role):
    own, other = both
    client.force_login(own.users[role])
    listing = client.get("/procurement/")
    assert listing.status_code == 200
    assert own.procurement.title.encode() in listing.content
    assert other.procurement.title.encode() not in listing.content
    pages = [
        ("/procurement/{}/", "procurement"),
        ("/procurement/projects/{}/traceability/", "project"),
        ("/procurement/projects/{}/traceability/?export=xlsx", "project"),
        ("/procurement/ocds/?project={}", "project"),
        ("/api/v1/procurements/{}/", "procurement"),
        ("/api/v1/service-agreements/{}/", "agreement"),
        ("/api/v1/payments/{}/", "payment"),
        ("/api/v1/procurements/ocds/?project={}", "project"),
    ]
    for template, kind in pages:
        for world, expected in ((own, 200), (other, 404)):
            target = {
                "procurement": world.procurement,
                "project": world.project,
                "agreement": world.agreement,
                "payment": world.payment,
            }[kind]
            url = template.format(target.pk)
            assert client.get(url).status_code == expected, url
    for url in ("/api/v1/procurements/", "/api/v1/service-agreements/", "/api/v1/payments/"):
        body = client.get(url).json()
        ids = [row["id"] for row in body.get("results", body)]
        assert len(ids) == 1, url
    year_package = client.get(f"/api/v1/procurements/ocds/?jurisdiction={own.city.code}&year=2027")
    assert year_package.status_code == 200
    other_year = f"/api/v1/procurements/ocds/?jurisdiction={other.city.code}&year=2027"
    assert client.get(other_year).status_code == 404


def test_an_uncleared_implementer_sees_nothing(client):
    a, _ = build_world()
    procurement = draft(a)
    province = a.city.parent
    c = build_city(province, "139904")
    # c.implementer takes no part in a's project.
    client.force_login(c.implementer)
    assert client.get(f"/procurement/{procurement.pk}/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_steps_of_another_role_are_refused(client, role):
    a, b = build_world()
    procurement = draft(a)
    client.force_login(a.users[role])
    response = client.post(f"/procurement/{procurement.pk}/publish/", {"published_on": ""})
    if role == Role.HRSS:
        assert response.status_code == 302
        procurement.refresh_from_db()
        assert procurement.status == ProcurementStatus.PUBLISHED
    else:
        assert response.status_code in (403, 404)
    client.force_login(b.hrss)
    assert client.post(f"/procurement/{procurement.pk}/publish/").status_code == 404


def test_a_requirement_without_criterion_shows_the_error_and_saves_nothing(client):
    a, _ = build_world()
    procurement = draft(a, requirements=0)
    client.force_login(a.hrss)
    response = client.post(
        f"/procurement/{procurement.pk}/requirements/",
        {"name": "宣传手册", "quantity": "5000", "unit": "册", "acceptance_criterion": ""},
        **EN,
    )
    assert response.status_code == 400
    assert b"executable acceptance criterion" in response.content
    assert not RequirementItem.objects.filter(procurement=procurement).exists()


def test_the_award_page_keeps_the_failed_check_and_shows_why(client):
    a, _ = build_world()
    c = build_city(a.city.parent, "139903", qualified=False)
    procurement = published(c)
    client.force_login(c.hrss)
    response = client.post(
        f"/procurement/{procurement.pk}/award/",
        {
            "winner": c.trainer.pk,
            "amount": "400000.00",
            "notice_date": NOTICE.isoformat(),
            "notice_file": pdf("notice.pdf"),
        },
        **EN,
    )
    assert response.status_code == 400
    assert b"HB \xc2\xa710" in response.content
    assert not Award.unscoped.exists()
    assert QualificationCheckRecord.unscoped.filter(organisation=c.trainer, passed=False).exists()


def test_award_through_the_page_opens_the_plan_review(client):
    a, _ = build_world()
    procurement = published(a)
    client.force_login(a.hrss)
    response = client.post(
        f"/procurement/{procurement.pk}/award/",
        {
            "winner": a.trainer.pk,
            "amount": "468000.00",
            "notice_date": NOTICE.isoformat(),
            "notice_file": pdf("notice.pdf"),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/procurement/{procurement.pk}/", **EN)
    assert b'data-testid="deadlines"' in page.content


def test_traceability_page_and_excel(client):
    a, _ = build_world()
    draft(a, requirements=3)
    client.force_login(a.office)
    page = client.get(f"/procurement/projects/{a.project.pk}/traceability/", **EN)
    assert page.content.count(b'data-testid="trace-row"') == 3
    assert page.content.count(b"pending") >= 6
    export = client.get(f"/procurement/projects/{a.project.pk}/traceability/?export=xlsx", **EN)
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0]]
    assert len(rows) == 3
    assert rows[0][8] == "pending" and rows[0][9] == "pending"


def test_ocds_download_from_the_page(client):
    a, _ = build_world()
    draft(a)
    client.force_login(a.hrss)
    response = client.get(f"/procurement/ocds/?project={a.project.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.json()["version"] == "1.1"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_no_n_plus_one_on_lists(client):
    a, _ = build_world()
    client.force_login(a.office)
    contracted(a)
    urls = ["/procurement/", "/api/v1/procurements/", "/api/v1/payments/"]
    urls += ["/api/v1/service-agreements/"]
    for url in urls:  # the first request renews the session (at most once a minute)
        client.get(url)
    before = {url: _queries(client, url) for url in urls}
    for n in range(4):
        from tests.factories import ProjectFactory

        project = ProjectFactory(jurisdiction=a.city, stage="procurement")
        services.procurement_create(
            user=a.hrss, project=project, title=f"采购{n}", method="inquiry", category="training"
        )
    after = {url: _queries(client, url) for url in urls}
    assert after == before
