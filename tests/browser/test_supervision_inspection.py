"""Supervision (apps/supervision): on a phone-sized screen (390 px) an evaluator records an
on-site inspection — the location granted to the page fills the coordinates — then takes a
photo through the page; the server keeps the original's hash and shows the watermark's
verification code. The second evaluator then confirms on his own phone."""

import datetime

import pytest

from apps.supervision.models import Inspection, InspectionMedia
from tests.supervision.world import build, jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Wipp-Test-2026!"


def _phone(browser):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 38.042307, "longitude": 114.51486, "accuracy": 12},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def _login(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_an_evaluator_records_an_inspection_on_a_phone(live_server, browser, monkeypatch, tmp_path):
    a, _b, clock = build(monkeypatch)
    base = live_server.url
    context, page = _phone(browser)
    try:
        _login(page, base, a.evaluator)
        page.goto(f"{base}/supervision/projects/{a.project.pk}/inspections/new/")
        form = page.locator("form[data-testid=inspection-form]")
        page.wait_for_selector("form[data-testid=inspection-form][data-located='1']")
        form.locator("select[name=kind]").select_option("onsite")
        form.locator("input[name=held_on]").fill("2026-11-19")
        form.locator("input[name=place]").fill("长安区中山东路1号培训教室")
        form.locator("textarea[name=summary]").fill("抽查第1期培训现场")
        page.screenshot(path=str(tmp_path / "inspection-form.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        form.locator("[data-testid=inspection-form-submit]").click()
        page.wait_for_selector("[data-testid=inspection-status]")
        inspection = Inspection.unscoped.get()
        assert float(inspection.latitude) == pytest.approx(38.042307, abs=1e-5)

        upload = page.locator("form[data-testid=media-form]")
        assert upload.locator("input[name=file]").get_attribute("capture") == "environment"
        photo = tmp_path / "site.jpg"
        photo.write_bytes(jpeg().read())
        page.wait_for_selector("form[data-testid=media-form][data-located='1']")
        upload.locator("input[name=file]").set_input_files(str(photo))
        upload.locator("[data-testid=media-submit]").click()
        page.wait_for_selector("[data-testid=media] li[data-code]")
        media = InspectionMedia.objects.get()
        assert media.verification_code in page.locator("[data-testid=media]").inner_text()
        page.screenshot(path=str(tmp_path / "inspection-page.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()

    context, page = _phone(browser)
    try:
        _login(page, base, a.evaluator2)
        page.goto(f"{base}/supervision/inspections/{inspection.pk}/")
        page.locator("form[data-testid=step-confirm_presence] button").click()
        page.wait_for_selector("[data-status=confirmed]")
    finally:
        context.close()
    inspection.refresh_from_db()
    assert inspection.status == "confirmed" and inspection.presences.count() == 2
    assert clock.now == datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)
