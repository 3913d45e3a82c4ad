"""Training (apps/training): on a phone-sized screen the agency's staff check a trainee in —
the live photo set on the camera input (the real face model compares it with the enrolment
photo) and the location granted to the page (WGS-84 from the browser, the venue surveyed in
GCJ-02)."""

import pytest

from apps.training import faces, geo, services
from apps.training.guards import attendance_guard_remove
from apps.training.models import AttendanceRecord
from tests.training.world import FACES, START, VENUE, build_world, enrolled, real_face, trainee_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _guard_off_for_flush():
    yield
    # this test's database is emptied row by row afterwards (SQLite's flush), which the guard
    # refuses; flush's post_migrate puts it back
    attendance_guard_remove()


def test_agency_checks_a_trainee_in_on_a_phone(
    live_server, browser, settings, monkeypatch, tmp_path
):
    settings.WIPP_TRAINING_FACE_VERIFIER = "apps.training.faces.DlibFaceVerifier"
    faces._verifier_for.cache_clear()
    a, _ = build_world()
    trainee = trainee_for(a, name="王小明")
    enrolled(a, trainee, real_face("obama.jpg"))
    monkeypatch.setattr(services, "clock", lambda: START)
    lat, lon = geo.gcj02_to_wgs84(float(VENUE[0]), float(VENUE[1]))

    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": lat + 0.0003, "longitude": lon, "accuracy": 15},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", a.agency.username)
        page.fill("#id_password", "Wipp-Test-2026!")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/training/sessions/{a.session.pk}/checkin/")
        form = page.locator("form[data-testid=checkin-form]")
        assert form.locator("input[name=photo]").get_attribute("capture") == "user"
        page.wait_for_selector("form[data-testid=checkin-form][data-located='1']")
        form.locator("select[name=trainee]").select_option(str(trainee.pk))
        form.locator("input[name=photo]").set_input_files(str(FACES / "obama2.jpg"))
        page.screenshot(path=str(tmp_path / "checkin-form.png"), full_page=True)
        form.locator("[data-testid=checkin-submit]").click()
        result = page.locator("[data-testid=checkin-result]")
        result.wait_for()
        page.screenshot(path=str(tmp_path / "checkin-result.png"), full_page=True)
        assert "王小明" in result.inner_text()
        # the page fits the phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
        faces._verifier_for.cache_clear()

    record = AttendanceRecord.unscoped.get()
    assert record.trainee == trainee and record.kind == "in" and record.recorded_at == START
    assert record.face_match and record.face_distance < 0.45
    assert record.coordinate_system == "wgs84" and 25 < record.distance_m < 45
    assert record.within_radius and record.passed_checks
