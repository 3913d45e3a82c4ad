"""Pages of acceptance, every form submitted from the rendered page: the agency applies and
sees the checklist, the evaluation agency reports, the auditor gives the opinion, the office
decides (the steps from the table); readers of the region see it; another city gets 404,
a wrong role 403, nothing changed."""

import pytest
from django.urls import reverse

from apps.acceptance.models import AcceptanceApplication, AcceptanceStatus, EvaluationReport
from apps.accounts.roles import Role
from apps.projects.models import ProjectStage
from apps.review.models import OrganisationEvent
from tests.acceptance.world import apply, evaluate
from tests.accounts.html_forms import read_form
from tests.implementation.world import pdf
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def rendered_text(page, testid: str) -> str:
    import lxml.html

    document = lxml.html.fromstring(page.content.decode())
    return document.xpath(f"//*[@data-testid='{testid}']")[0].text_content()


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def page_of(client, project):
    return client.get(reverse("acceptance:project", args=[project.pk]))


def test_project_page_links_to_acceptance(client, world):
    a, _b, _clock = world
    page = login(client, a.office).get(reverse("projects:detail", args=[a.project.pk]))
    assert reverse("acceptance:project", args=[a.project.pk]).encode() in page.content


def test_the_agency_applies_from_the_page_and_sees_the_checklist(client, world):
    a, _b, _clock = world
    login(client, a.agency)
    page = page_of(client, a.project)
    assert b'data-testid="missing"' in page.content
    assert b'data-testid="item-attendance_package"' in page.content
    owners = rendered_text(page, "owner-funds_audit")
    assert str(Role.IMPLEMENTER.label) in owners and str(Role.AUDITOR.label) in owners
    assert b'data-testid="apply-link"' in page.content
    form_page = client.get(reverse("acceptance:apply", args=[a.project.pk]))
    response = form_submit(
        client,
        form_page,
        "form[data-testid=apply-form]",
        data={
            "finished_on": "2026-11-18",
            "summary": "培训完成",
            "form_file": pdf("apply.pdf"),
            "commits_report": "on",
        },
    )
    assert response.status_code == 302
    application = AcceptanceApplication.unscoped.get(project=a.project)
    assert application.commits_report
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.ACCEPTANCE
    page = page_of(client, a.project)
    assert b'data-testid="apply-link"' not in page.content
    assert b"acceptance-steps" not in page.content  # nothing for the agency to decide


def test_the_evaluator_and_the_auditor_record_from_the_page_then_the_office_accepts(client, world):
    a, _b, clock = world
    application = apply(a)
    clock.set(2026, 11, 23)
    login(client, a.evaluator)
    page = page_of(client, a.project)
    assert b'data-testid="step-report"' in page.content
    assert b'data-testid="step-audit"' not in page.content
    form_submit(
        client,
        client.get(reverse("acceptance:report", args=[application.pk])),
        "form[data-testid=report-form]",
        data={"verdict": "pass", "summary": "目标达成", "file": pdf("r.pdf")},
    )
    assert EvaluationReport.objects.get(application=application).verdict == "pass"
    assert b'data-testid="step-report"' not in page_of(client, a.project).content

    login(client, a.auditor)
    page = page_of(client, a.project)
    assert b'data-testid="step-audit"' in page.content
    form_submit(
        client,
        client.get(reverse("acceptance:audit", args=[application.pk])),
        "form[data-testid=audit-form]",
        data={"compliant": "1", "opinion": "合规", "file": pdf("a.pdf")},
    )
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.EVALUATED

    login(client, a.office)
    page = page_of(client, a.project)
    assert b'data-testid="deadline-acceptance_opinion"' in page.content
    form = read_form(page.content.decode(), data_testid="step-accept")
    response = client.post(form.action, form.submission(note="同意验收合格"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.ACCEPTED
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.PAYMENT
    assert b'data-testid="deadline-balance_payment"' in page_of(client, a.project).content


def test_the_office_fails_with_a_reason_from_the_page(client, world):
    a, _b, _clock = world
    application = evaluate(a, apply(a), verdict="fail")
    login(client, a.office)
    page = page_of(client, a.project)
    assert b'data-testid="step-accept"' not in page.content
    form = read_form(page.content.decode(), data_testid="step-fail")
    client.post(form.action, form.submission(note="合格率未达标"))
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.FAILED
    assert OrganisationEvent.unscoped.filter(organisation=a.agency.organisation).exists()


def test_readers_of_the_region_see_it_without_steps(client, world):
    a, _b, _clock = world
    evaluate(a, apply(a))
    for user in (a.member, a.hrss, a.si):
        page = page_of(login(client, user), a.project)
        assert page.status_code == 200
        assert b'data-testid="evaluation-report"' in page.content
        assert b"acceptance-steps" not in page.content


def test_another_city_gets_404_and_a_wrong_role_403_nothing_changed(client, world):
    a, b, _clock = world
    application = apply(a)
    login(client, a.auditor)  # the auditor is no evaluation agency
    assert client.get(reverse("acceptance:report", args=[application.pk])).status_code == 200
    response = client.post(
        reverse("acceptance:report", args=[application.pk]),
        {"verdict": "fail", "summary": "x", "file": pdf()},
    )
    assert response.status_code == 403
    assert not EvaluationReport.objects.exists()
    application = evaluate(a, application)
    for user in (b.office, b.evaluator, b.agency):
        login(client, user)
        assert page_of(client, a.project).status_code == 404
        response = client.post(
            reverse("acceptance:decide", args=[application.pk]), {"action": "accept"}
        )
        assert response.status_code == 404
    login(client, a.member)
    response = client.post(
        reverse("acceptance:decide", args=[application.pk]), {"action": "accept"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.EVALUATED
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.ACCEPTANCE


def test_an_expert_gives_an_opinion_from_the_page(client, world):
    a, _b, _clock = world
    application = apply(a)
    login(client, a.expert)
    page = page_of(client, a.project)
    assert b'data-testid="step-expert_opinion"' in page.content
    form_submit(
        client,
        client.get(reverse("acceptance:expert", args=[application.pk])),
        "form[data-testid=expert-form]",
        data={"opinion": "课程设置合理"},
    )
    assert application.expert_opinions.get().expert == a.expert
    assert b'data-testid="step-expert_opinion"' not in page_of(client, a.project).content


def test_the_committed_implementation_report_is_uploaded_from_the_page(client, world):
    from apps.acceptance import services
    from apps.deadlines.models import DeadlineStatus
    from apps.jurisdictions.services import deadline_rules_load
    from apps.projects.models import ParticipantRole
    from tests.factories import ParticipantFactory, ProjectFactory, ProvinceFactory

    a, _b, _clock = world
    sz = ProvinceFactory(code="440300", name="深圳市", name_en="Shenzhen")
    deadline_rules_load()
    project = ProjectFactory(jurisdiction=sz, stage=ProjectStage.IMPLEMENTATION, year=2027)
    ParticipantFactory(
        project=project, role=ParticipantRole.IMPLEMENTER, organisation=a.agency.organisation
    )
    application = apply(a, project, commits_report=True)
    login(client, a.agency)
    page = page_of(client, project)
    assert b'data-testid="deadline-implementation_report"' in page.content
    assert b'data-testid="implementation-report-link"' in page.content
    form_submit(
        client,
        client.get(reverse("acceptance:implementation_report", args=[application.pk])),
        "form[data-testid=implementation-report-form]",
        data={"file": pdf("report.pdf")},
    )
    assert services.report_deadline(application).status == DeadlineStatus.MET
