"""An applicant fills and submits an application in the browser; the city reviewer sees it
flagged as a copy of another applicant's and rejects it with a reason."""

import pytest

from apps.accounts.roles import Role
from apps.applications.models import Application
from apps.applications.sections import SECTIONS
from tests.applications.builders import NARRATIVE, applicant_user, submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.screening.test_services import OWN_WORDS, _narrative

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Wipp-Test-2026!"

FORM_VALUES = {
    "service_scope": "本市建筑施工企业",
    "target_groups": "一线作业人员",
    "start_date": "2027-03-01",
    "end_date": "2027-11-30",
    "amount_requested": "400000.00",
    "employees": "5000",
    "revenue_wan": "150000",
    "assets_wan": "120000",
    "awareness_rate": "92",
    "pass_rate": "95",
    "satisfaction_rate": "90",
    "people_covered": "3000",
    "commitment_signatory": "王总",
}
ROWS = {
    "insurance_years": [
        {
            "year": str(y),
            "insured_headcount": "5000",
            "injury_incidence_rate": "2.1",
            "fund_payment_ratio": "60",
            "accident_injuries": "10",
            "occupational_diseases": "1",
        }
        for y in (2024, 2025, 2026)
    ],
    "team": [{"name": "张伟", "years_experience": "8"}],
    "stages": [
        {
            "name": "实施阶段",
            "start_date": "2027-03-01",
            "end_date": "2027-11-30",
            "goal": "完成培训",
        }
    ],
    "budget_lines": [
        {
            "item": "师资课酬",
            "unit": "课时",
            "unit_cost": "800",
            "quantity": "250",
            "amount": "200000.00",
        },
        {
            "item": "教材",
            "unit": "册",
            "unit_cost": "50",
            "quantity": "4000",
            "amount": "200000.00",
        },
    ],
}


def _login(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def _present(page, selector) -> bool:
    return page.locator(selector).count() > 0


def _fill_section(page, values):
    for name, value in values.items():
        if _present(page, f"#id_{name}"):
            page.fill(f"#id_{name}", value)
    for selector, option in (
        ("#id_industry", {"index": 1}),
        ("#id_enterprise_industry", {"value": "construction"}),
        ("#id_team-0-title_level", {"value": "deputy_senior"}),
        ("#id_team-0-degree", {"value": "master"}),
    ):
        if _present(page, selector):
            page.select_option(selector, **option)
    for name in ("service_industries_0", "legally_registered", "insured_locally"):
        if _present(page, f"#id_{name}"):
            page.check(f"#id_{name}")
    for name in ("commitment_accepted", "sealed", "team-0-is_leader"):
        if _present(page, f"#id_{name}"):
            page.check(f"#id_{name}")
    for table, rows in ROWS.items():
        for i, row in enumerate(rows):
            for field, value in row.items():
                if _present(page, f"#id_{table}-{i}-{field}"):
                    page.fill(f"#id_{table}-{i}-{field}", value)


def _fill_application(page, narrative):
    """Section by section, each saved with "Save and continue" (issue 17 item 4); the last
    section is left on the page for the submit button to save."""
    values = {**FORM_VALUES, **narrative}
    for section in SECTIONS:
        assert page.locator("[aria-current=step]").get_attribute("data-section") == section.key
        _fill_section(page, values)
        if section is SECTIONS[-1]:
            return
        page.click("[data-testid=save-continue]")
        page.wait_for_url(f"**?section={SECTIONS[SECTIONS.index(section) + 1].key}")


def test_applicant_submits_and_reviewer_rejects_the_copy(live_server, page, tmp_path):
    call = CallFactory(title="2027年度工伤预防项目申报通知")
    original, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[1]))
    submitted_application(call, narrative=_narrative(OWN_WORDS[2]))
    applicant = applicant_user(call, name="复制者建设有限公司")
    applicant.username = "copier"
    applicant.save()
    UserFactory(role=Role.OFFICE, organisation__jurisdiction=call.jurisdiction, username="reviewer")

    _login(page, live_server.url, "copier")
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    page.click("[data-testid=apply]")
    page.fill("#id_project_name", "复制的培训项目")
    page.click("button.btn-primary")
    page.wait_for_url("**/edit/")
    _fill_application(page, _narrative(OWN_WORDS[1]))
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=application-status]")
    assert page.locator("[data-testid=application-status]").inner_text() == "已提交"
    page.screenshot(path=str(tmp_path / "submitted.png"), full_page=True)
    copy = Application.unscoped.get(project_name="复制的培训项目")
    assert set(NARRATIVE) <= {f for f in NARRATIVE if getattr(copy, f)}

    page.context.clear_cookies()
    _login(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/screening/calls/{call.pk}/")
    page.click("[data-testid=run-checks]")
    pairs = page.locator("[data-testid=pairs]")
    assert copy.number in pairs.inner_text() and original.number in pairs.inner_text()
    page.click(f"[data-testid=board] >> text={copy.number}")
    indicator = page.locator("[data-testid=indicator-P4]")
    assert original.number in indicator.inner_text()
    page.locator("[data-testid=indicator-P4] a").first.click()
    assert page.locator("[data-testid=left] mark").count() > 0
    page.screenshot(path=str(tmp_path / "pair.png"), full_page=True)
    page.go_back()
    page.fill("input[name=P4-reason]", "与其他单位申报材料雷同")
    page.click("[data-testid=decide]")
    page.locator("[data-testid=confirmation]").wait_for()
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/screening/calls/{call.pk}/")
    copy.refresh_from_db()
    assert copy.status == "screening_failed"

    page.context.clear_cookies()
    _login(page, live_server.url, "copier")
    page.goto(f"{live_server.url}/applications/{copy.pk}/")
    assert "与其他单位申报材料雷同" in page.locator("[data-testid=screening-outcome]").inner_text()
