"""The sectioned application form in the browser (issue 17 item 4): a wrong date is shown at
its field and at the top with a link to it; a corrected section saves and moves on."""

import pytest

from apps.applications.models import Application
from apps.applications.sections import SECTIONS
from tests.applications.builders import draft_application
from tests.browser.office_world import log_in
from tests.calls.factories import CallFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_error_is_linked_from_the_top_and_a_fixed_section_moves_on(
    live_server, page, tmp_path
):
    application, applicant = draft_application(CallFactory())
    log_in(page, live_server, applicant)
    page.goto(f"{live_server.url}/applications/{application.pk}/edit/?section=basics")
    page.fill("#id_start_date", "2027-06-01")
    page.fill("#id_end_date", "2027-05-01")
    page.click("[data-testid=save-continue]")
    summary = page.locator("[data-testid=error-summary]")
    summary.wait_for()
    assert page.locator("[data-testid=error-end_date]").is_visible()
    page.screenshot(path=str(tmp_path / "section-error.png"), full_page=True)
    summary.locator("a[href='#id_end_date']").click()
    assert page.evaluate("location.hash") == "#id_end_date"
    page.fill("#id_end_date", "2027-12-31")
    page.click("[data-testid=save-continue]")
    page.wait_for_url("**?section=applicant")
    assert page.locator("[aria-current=step]").get_attribute("data-section") == "applicant"
    saved = Application.unscoped.get(pk=application.pk)
    assert str(saved.end_date) == "2027-12-31"
    page.set_viewport_size({"width": 390, "height": 844})
    for section in SECTIONS:  # row tables scroll inside their box, the page never sideways
        page.goto(f"{live_server.url}/applications/{application.pk}/edit/?section={section.key}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (section.key, width)
