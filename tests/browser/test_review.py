"""An expert scores an application in the browser and submits; the office closes scoring and
sees the combined ranking."""

import pytest

from apps.review import services
from apps.review.models import AssignmentStatus, ExpertAssignment
from tests.review.world import BEST, review_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Wipp-Test-2026!"


def _login(page, url, user):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_expert_scores_and_office_sees_the_ranking(live_server, page, tmp_path):
    world = review_world(applications=2, experts=3)
    expert = world.experts[0]
    page.on("dialog", lambda dialog: dialog.accept())

    _login(page, live_server.url, expert)
    page.goto(f"{live_server.url}/review/mine/")
    page.locator("[data-testid=my-assignments] tbody a").first.click()
    assert page.wait_for_selector("[data-testid=application-text]").is_visible()
    for code in BEST:
        page.click(f"label[for='s-{code}-complete']")
    running = page.locator("#running-total").inner_text()
    page.click("[data-testid=submit-sheet]")
    page.wait_for_selector("[data-testid=sheet-status]")
    # The running total entered is the total the server saved.
    assert float(page.locator("[data-testid=sheet-total]").inner_text().split()[0]) == float(
        running
    )
    page.screenshot(path=str(tmp_path / "sheet.png"), full_page=True)
    assert "submit-sheet" not in page.content()
    assert (
        ExpertAssignment.unscoped.filter(expert=expert, status=AssignmentStatus.SUBMITTED).count()
        == 1
    )

    for assignment in ExpertAssignment.unscoped.filter(status=AssignmentStatus.ASSIGNED):
        services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={},
            vetoes={},
            submit=True,
        )
    page.context.clear_cookies()
    _login(page, live_server.url, world.office)
    page.goto(f"{live_server.url}/review/calls/{world.call.pk}/")
    page.click("[data-testid=close-round]")
    ranking = page.locator("[data-testid=ranking]")
    ranking.wait_for()
    page.screenshot(path=str(tmp_path / "ranking.png"), full_page=True)
    rows = ranking.locator("tbody tr")
    assert rows.count() == 2
    assert world.applications[0].number in ranking.inner_text()
