"""Each role's home page lists what needs its action (issue 17 item 1), from the workflow
tables: the applicant its draft, the office the applications awaiting 初评, the expert the
sheets to score, HRSS the arranged projects to procure, the agency the finding to answer —
and each item opens the page where it is done."""

import pytest

from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from tests.applications.builders import draft_application, submitted_application
from tests.browser.office_world import log_in
from tests.calls.factories import CallFactory
from tests.factories import ProjectFactory, UserFactory
from tests.review.world import review_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _work(live_server):
    call = CallFactory()
    application, applicant = draft_application(call)
    submitted_application(call)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    arranged = ProjectFactory(stage="arranged", jurisdiction=call.jurisdiction)
    hrss = UserFactory(role="hrss", organisation__jurisdiction=call.jurisdiction)
    implementing = ProjectFactory(stage="implementation", jurisdiction=call.jurisdiction)
    agency = UserFactory(role="implementer", organisation__jurisdiction=call.jurisdiction)
    finding_raise(
        rule_code="t",
        citation="HB §14",
        severity=FindingSeverity.MINOR,
        subject=implementing,
        message="缺少月报",
        owner_role="implementer",
        owner_organisation=agency.organisation,
    )
    expert = review_world(applications=1, experts=3).experts[0]
    return [
        (applicant, "drafts", f"/applications/{application.pk}/edit/"),
        (office, "screening", "/screening/"),
        (expert, "sheets", "/review/sheets/"),
        (hrss, "projects", f"/projects/{arranged.pk}/"),
        (agency, "findings", "/findings/"),
    ]


def test_each_roles_home_lists_its_work_and_opens_it(live_server, page, tmp_path):
    for user, code, target in _work(live_server):
        page.context.clear_cookies()
        log_in(page, live_server, user)
        page.goto(f"{live_server.url}/")
        queue = page.locator(f"[data-testid=queue-{code}]")
        assert queue.is_visible(), (user.role, code)
        page.screenshot(path=str(tmp_path / f"home-{user.role}.png"), full_page=True)
        queue.locator("a").first.click()
        page.wait_for_load_state()
        assert target in page.url, (user.role, page.url)
        assert page.locator("h1").count() >= 1
