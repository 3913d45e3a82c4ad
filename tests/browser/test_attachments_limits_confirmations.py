"""Issue 13 in the browser: an applicant attaches the sealed form from the edit page (item 1)
and is told which application already uses the call's one place (item 2); an office confirms
closing a call early and a screening decision before they are recorded, and revises the
decision with a reason (item 11)."""

import pytest

from apps.accounts.roles import Role
from apps.calls.models import CallStatus
from apps.screening.models import PreliminaryReview, ReviewRevision
from apps.screening.services import screening_run
from tests.applications.builders import draft_application, submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Wipp-Test-2026!"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n% browser\n%%EOF\n"


def _login(page, url, user):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_applicant_attaches_the_sealed_form_from_the_edit_page(live_server, page, tmp_path):
    call = CallFactory()
    application, user = draft_application(call, sealed_scan=False)
    scan = tmp_path / "盖章申请表.pdf"
    scan.write_bytes(PDF)

    _login(page, live_server.url, user)
    page.goto(f"{live_server.url}/applications/{application.pk}/edit/")
    assert page.locator("[data-testid=sealed-scan-missing]").count() == 1
    form = page.locator("[data-testid=attachment-form]")
    form.locator("select[name=kind]").select_option("sealed_form")
    form.locator("input[name=file]").set_input_files(str(scan))
    form.locator("[data-testid=upload]").click()
    page.wait_for_url(f"**/applications/{application.pk}/edit/")

    attachment = application.applicationattachment_set.get()
    listed = page.locator("[data-testid=attachment-list]")
    assert listed.locator(f"a[href='/evidence/{attachment.evidence_id}/download/']").count() == 1
    assert page.locator("[data-testid=sealed-scan-missing]").count() == 0
    page.screenshot(path=str(tmp_path / "attached.png"), full_page=True)


def test_a_second_application_to_the_call_is_refused_naming_the_first(live_server, page):
    call = CallFactory()
    first, user = submitted_application(call)
    second, _ = draft_application(call, user)

    _login(page, live_server.url, user)
    page.goto(f"{live_server.url}/applications/{second.pk}/edit/")
    page.click("[data-testid=submit]")
    problems = page.locator("[data-testid=problems]")
    problems.wait_for()
    assert first.number in problems.inner_text()
    assert first.project_name in problems.inner_text()
    second.refresh_from_db()
    assert second.status == "draft"


def test_office_confirms_an_early_close_and_a_screening_decision_then_revises_it(live_server, page):
    call = CallFactory()
    application, _ = submitted_application(call, sealed_scan=False)
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=call.jurisdiction)
    _login(page, live_server.url, office)

    # Closing early: the confirmation page states the consequence; nothing happens before it.
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    page.click("[data-testid=close]")
    assert page.locator("[data-testid=consequence]").inner_text()
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/calls/{call.pk}/")
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED

    # The screening decision: P2 fails (no sealed scan); the office confirms it.
    screening_run(call=call)
    review = PreliminaryReview.unscoped.get(application=application)
    page.goto(f"{live_server.url}/screening/reviews/{review.pk}/")
    page.click("[data-testid=decide]")
    confirmation = page.locator("[data-testid=confirmation]")
    confirmation.wait_for()
    review.refresh_from_db()
    assert review.outcome == "pending"
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/screening/calls/{call.pk}/")
    review.refresh_from_db()
    assert review.outcome == "failed"

    # Revised with a reason while the expert review has not started.
    page.goto(f"{live_server.url}/screening/reviews/{review.pk}/")
    page.click("[data-testid=revise]")
    page.click("label[for=P2-yes]")
    page.fill("input[name=P2-reason]", "纸质盖章申请表原件已核验")
    page.fill("#revision_reason", "申请人补交了盖章原件")
    page.click("[data-testid=decide]")
    page.locator("[data-testid=confirmation]").wait_for()
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/screening/calls/{call.pk}/")
    review.refresh_from_db()
    assert review.outcome == "passed"
    assert ReviewRevision.objects.get(review=review).reason == "申请人补交了盖章原件"
