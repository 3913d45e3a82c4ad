"""Acceptance (apps/acceptance; kept here for this folder's Playwright fixtures): the city office
logs in (in Chinese), opens the acceptance page of a project whose evaluation report and audit
opinion are in, issues the 合格 opinion from the page, and the project moves to the balance
payment; the acceptance form (four copies) is offered for download."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.acceptance.models import AcceptanceStatus
from apps.projects.models import ProjectStage
from tests.acceptance.world import apply, build, evaluate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_gives_the_acceptance_opinion_from_the_page(
    live_server, page, monkeypatch, tmp_path
):
    a, _b, clock = build(monkeypatch)
    application = apply(a)
    clock.set(2026, 11, 23)
    evaluate(a, application)
    with translation.override("zh-hans"):
        accepted_label = str(AcceptanceStatus.ACCEPTED.label)
        success = gettext("The acceptance opinion is issued.")

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", a.office.username)
    page.fill("#id_password", "Wipp-Test-2026!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    url = live_server.url + reverse("acceptance:project", args=[a.project.pk])
    page.goto(url)
    step = page.locator("[data-testid=step-accept]")
    assert page.locator("[data-testid=step-fail]").count() == 1
    step.locator("input[name=note]").fill("同意验收，材料齐全")
    step.locator("button[type=submit]").click()
    page.wait_for_url(url)
    assert success in page.content()
    opinion = page.locator("[data-testid=office-opinion]").inner_text()
    assert accepted_label in opinion and "同意验收，材料齐全" in opinion
    assert page.locator("[data-testid=step-accept]").count() == 0
    assert page.locator("[data-testid=form-pdf]").count() == 1
    page.screenshot(path=str(tmp_path / "acceptance-opinion.png"), full_page=True)

    application.refresh_from_db()
    a.project.refresh_from_db()
    assert application.status == AcceptanceStatus.ACCEPTED
    assert application.decided_by == a.office
    assert a.project.stage == ProjectStage.PAYMENT
