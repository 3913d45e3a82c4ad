"""Pages of supervision, every form submitted from the rendered page: the evaluator uploads and
submits the plan, the office approves it from the table's step; an inspection is recorded, the
second evaluator confirms on the inspection page, a photo is uploaded and a finding raised; a
periodic report is submitted and reviewed; another city gets 404, a wrong role 403, nothing
changed."""

import datetime

import pytest
from django.urls import reverse

from apps.findings.models import Finding
from apps.supervision.models import (
    Inspection,
    InspectionMedia,
    InspectionStatus,
    PeriodicReport,
    PlanStatus,
    SupervisionPlan,
)
from apps.supervision.selectors import TRAINING_SECTIONS
from tests.rendered_forms import form_submit

from .world import jpeg, onsite, pdf

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def project_page(client, project):
    return client.get(reverse("supervision:project", args=[project.pk]))


def test_the_project_page_links_to_supervision(client, world):
    a, _b, _clock = world
    page = login(client, a.office).get(reverse("projects:detail", args=[a.project.pk]))
    assert reverse("supervision:project", args=[a.project.pk]) in page.content.decode()


def test_plan_uploaded_submitted_and_approved_from_the_pages(client, world):
    a, _b, _clock = world
    login(client, a.evaluator)
    page = project_page(client, a.project)
    assert b'data-testid="plan-edit-link"' in page.content
    form = client.get(reverse("supervision:plan_edit", args=[a.project.pk]))
    response = form_submit(
        client,
        form,
        "form[data-testid=plan-form]",
        data={"summary": "每月现场勘查，季度问卷", "file": pdf("plan.pdf")},
    )
    assert response.status_code == 302
    plan = SupervisionPlan.unscoped.get(project=a.project)
    assert plan.status == PlanStatus.DRAFT
    page = project_page(client, a.project)
    response = form_submit(client, page, "form[data-testid=plan-step-submit]")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    login(client, a.office)
    page = project_page(client, a.project)
    assert b'data-testid="plan-step-return"' in page.content
    assert b'data-testid="plan-edit-link"' not in page.content
    form_submit(client, page, "form[data-testid=plan-step-approve]", data={"note": "同意"})
    plan.refresh_from_db()
    assert (plan.status, plan.review_note) == (PlanStatus.APPROVED, "同意")
    assert b"plan-deadline" in project_page(client, a.project).content


def test_a_missing_file_is_refused_on_the_form(client, world):
    a, _b, _clock = world
    login(client, a.evaluator)
    form = client.get(reverse("supervision:plan_edit", args=[a.project.pk]))
    response = form_submit(
        client, form, "form[data-testid=plan-form]", data={"summary": "x", "file": None}
    )
    assert response.status_code == 200 and b"error-file" in response.content
    assert not SupervisionPlan.unscoped.exists()


def test_inspection_recorded_confirmed_photographed_and_a_finding_raised(client, world):
    a, _b, _clock = world
    login(client, a.evaluator)
    form = client.get(reverse("supervision:inspection_create", args=[a.project.pk]))
    response = form_submit(
        client,
        form,
        "form[data-testid=inspection-form]",
        data={
            "kind": "onsite",
            "held_on": "2026-11-19",
            "place": "培训教室",
            "summary": "抽查签到",
            "latitude": "38.042307",
            "longitude": "114.514860",
        },
    )
    inspection = Inspection.unscoped.get()
    assert response.status_code == 302 and inspection.status == InspectionStatus.RECORDED
    page = client.get(response.url)
    # the recorder has confirmed already: no step for him, no finding before confirmation
    assert b"step-confirm_presence" not in page.content and b"finding-link" not in page.content

    login(client, a.evaluator2)
    page = client.get(reverse("supervision:inspection", args=[inspection.pk]))
    form_submit(client, page, "form[data-testid=step-confirm_presence]")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CONFIRMED

    page = client.get(reverse("supervision:inspection", args=[inspection.pk]))
    form_submit(client, page, "form[data-testid=media-form]", data={"file": jpeg()})
    media = InspectionMedia.objects.get(inspection=inspection)
    page = client.get(reverse("supervision:inspection", args=[inspection.pk]))
    assert media.verification_code.encode() in page.content

    form = client.get(reverse("supervision:finding_create", args=[inspection.pk]))
    form_submit(
        client,
        form,
        "form[data-testid=finding-form]",
        data={"message": "实到人数少于签到人数", "severity": "major", "media": [str(media.pk)]},
    )
    finding = Finding.unscoped.get(rule_code="SV-INSPECTION")
    assert list(finding.evidence.all()) == [media.watermarked]
    page = client.get(reverse("supervision:inspection", args=[inspection.pk]))
    assert "实到人数少于签到人数" in page.content.decode()


def test_report_submitted_and_reviewed_from_the_pages(client, world):
    a, _b, _clock = world
    login(client, a.evaluator)
    form = client.get(reverse("supervision:report_create", args=[a.project.pk]))
    data = {f"section_{code}": f"{code} 评估" for code, _label in TRAINING_SECTIONS}
    response = form_submit(
        client,
        form,
        "form[data-testid=report-form]",
        data=data
        | {"period_start": "2026-11-01", "period_end": "2026-11-19", "conclusion": "基本符合"},
    )
    report = PeriodicReport.unscoped.get()
    assert response.status_code == 302
    page = client.get(response.url)
    assert b'data-testid="figures"' in page.content and b"report-step" not in page.content

    login(client, a.office)
    page = client.get(reverse("supervision:report", args=[report.pk]))
    form_submit(client, page, "form[data-testid=report-step-review]")
    report.refresh_from_db()
    assert report.status == "reviewed"


def test_lists_are_paginated_and_scoped(client, world):
    a, b, _clock = world
    for day in range(1, 28):
        onsite(a, kind="meeting", held_on=datetime.date(2026, 10, day), place=f"甲市会议{day}")
    onsite(b, kind="meeting", place="乙市会议")
    login(client, a.office)
    url = reverse("supervision:inspections")
    page = client.get(url + "?per_page=25")
    text = page.content.decode()
    assert "1 / 2" in text and "乙市会议" not in text
    assert "甲市会议" in client.get(url + "?per_page=25&page=2").content.decode()
    oldest_first = client.get(url + "?sort=date").content.decode()
    assert oldest_first.index("甲市会议1<") < oldest_first.index("甲市会议27<")
    assert "甲市会议3<" in client.get(url + "?q=会议3").content.decode()
    page = project_page(client, a.project)
    assert "1 / 2" in page.content.decode()


def test_another_city_gets_404(client, world):
    a, b, _clock = world
    login(client, b.office)
    assert project_page(client, a.project).status_code == 404


def test_a_wrong_role_gets_403_with_nothing_changed(client, world):
    a, _b, _clock = world
    inspection = onsite(a)
    login(client, a.agency)  # the implementing agency reads, but is no evaluator
    assert client.get(reverse("supervision:inspection", args=[inspection.pk])).status_code == 200
    response = client.post(reverse("supervision:inspection_confirm", args=[inspection.pk]))
    assert response.status_code == 403
    assert Inspection.unscoped.get(pk=inspection.pk).presences.count() == 1
