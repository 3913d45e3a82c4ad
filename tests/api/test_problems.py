"""Issue 16 item 5: every error answer of an /api/ path is `application/problem+json` with
the fields and codes of DRF's — also those answered outside DRF: Django's 404 and 405, a 500,
the CSRF check (Django's and DRF's session check), the second-factor and password-expiry
gates, the login lockout, the throttle."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.roles import Role
from apps.core.rest.errors import PROBLEM_CONTENT_TYPE
from tests.factories import UserFactory

from .conformance import key_client

pytestmark = pytest.mark.django_db
PASSWORD = "Wipp-Test-2026!"
FIELDS = {"type", "title", "status", "detail", "code"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE), response["Content-Type"]
    body = response.json()
    assert set(body) >= FIELDS, body
    assert body["status"] == status and body["code"] == code, body
    assert body["type"] == f"urn:wipp:problem:{code}"
    assert body["detail"] and body["title"]
    return body


def test_an_unknown_api_path_is_a_404_problem_and_a_page_elsewhere(client):
    response = client.get("/api/v1/no-such-thing/")
    problem(response, 404, "not_found")
    # The answer keeps the headers of the page it replaces.
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store" and response["X-Request-ID"]
    problem(client.get("/api/nothing"), 404, "not_found")
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.api.problem_urls")
def test_a_plain_views_405_keeps_its_allow_header():
    response = Client().post("/api/plain/")
    problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


@pytest.mark.urls("tests.api.problem_urls")
@override_settings(DEBUG=False)
def test_an_exception_is_a_500_problem_that_reveals_nothing():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/boom/")
    body = problem(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert "Try again later" in body["detail"]
    assert response["X-Request-ID"]


@pytest.mark.urls("tests.api.problem_urls")
def test_djangos_csrf_failure_on_the_api_is_a_problem_and_a_page_elsewhere():
    user = UserFactory(role=Role.OFFICE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    problem(client.post("/api/write/"), 403, "csrf_failed")
    page = client.post("/accounts/logout/")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_drfs_session_csrf_refusal_has_the_same_code():
    user = UserFactory(role=Role.OFFICE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/evidence-files/", {"title": "x"})
    body = problem(response, 403, "csrf_failed")
    assert "X-CSRFToken" in body["detail"]


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=[Role.OFFICE])
def test_the_second_factor_gate_answers_a_problem(client):
    office = UserFactory(role=Role.OFFICE)
    TOTPDevice.objects.create(user=office, name="app", confirmed=True)
    client.force_login(office)
    response = client.get("/api/v1/projects/", HTTP_ACCEPT_LANGUAGE="en")
    body = problem(response, 403, "second_factor_required")
    assert "second factor" in body["detail"]


def test_the_password_expiry_gate_answers_a_problem(client):
    office = UserFactory(role=Role.OFFICE)
    office.password_changed_at = timezone.now() - datetime.timedelta(days=400)
    office.save(update_fields=["password_changed_at"])
    client.force_login(office)
    response = client.get("/api/v1/projects/", HTTP_ACCEPT_LANGUAGE="en")
    body = problem(response, 403, "password_expired")
    assert "expired" in body["detail"]


@pytest.mark.urls("tests.api.problem_urls")
@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_login_lockout_on_an_api_path_is_a_problem():
    user = UserFactory(role=Role.OFFICE)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(2):
        client.post("/api/sign-in/", {"username": user.username, "password": "wrong"})
    response = client.post("/api/sign-in/", {"username": user.username, "password": "wrong"})
    body = problem(response, response.status_code, "locked_out")
    assert response.status_code in (403, 429)
    assert "failed sign-ins" in body["detail"]


def test_the_throttle_is_a_problem_with_retry_after():
    cache.clear()  # counters of an earlier test's key with the same id
    client, _project = key_client()
    rest = {"DEFAULT_THROTTLE_RATES": {"api_client": "1/min"}}
    from django.conf import settings

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rest}):
        assert client.get("/api/v1/me/").status_code == 200
        response = client.get("/api/v1/me/")
    problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_a_bad_api_key_is_a_401_problem():
    response = Client(HTTP_AUTHORIZATION="Api-Key nope.nope").get("/api/v1/projects/")
    problem(response, 401, "authentication_failed")


def test_the_detail_is_in_the_requests_language(client):
    chinese = problem(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert chinese["detail"] == "API 中没有这个资源。" and chinese["title"] == "未找到"
    english = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert problem(english, 404, "not_found")["detail"] == "No such resource of the API."


def test_the_schema_runs_check_catches_an_error_that_is_not_a_problem():
    """The fuzz and schemathesis runs check every error answer with `problem_shape`; it
    fails on a plain JSON error."""
    import requests
    from schemathesis.core.transport import Response

    from .conformance import problem_shape

    def answer(content_type, body):
        return Response(
            status_code=404,
            headers={"content-type": [content_type]},
            content=body,
            request=requests.Request("GET", "http://testserver/api/v1/x/").prepare(),
            elapsed=0.0,
            verify=False,
        )

    good = b'{"type": "urn:wipp:problem:not_found", "title": "t", "status": 404, '
    good += b'"detail": "d", "code": "not_found"}'
    assert problem_shape(None, answer("application/problem+json", good), None)
    with pytest.raises(AssertionError, match="answered as"):
        problem_shape(None, answer("application/json", b'{"detail": "x"}'), None)
    with pytest.raises(AssertionError, match="without"):
        problem_shape(None, answer("application/problem+json", b'{"detail": "x"}'), None)
