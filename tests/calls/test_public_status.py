"""Public side (issue 17 item 7): the login page leads to the public calls; a call's status reads
as users expect, and a future deadline is never shown as closed."""

import datetime

import pytest
from django.utils import timezone, translation

from apps.calls.selectors import call_public_status
from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db


def _status(call):
    with translation.override("en"):
        return call_public_status(call)


def test_an_open_call_accepts_applications_until_its_deadline():
    assert _status(CallFactory()).startswith("Accepting applications until")


def test_a_call_before_its_window_says_when_it_opens():
    call = CallFactory(opens_at=timezone.now() + datetime.timedelta(days=2))
    assert _status(call).startswith("Applications open on")


def test_a_call_closed_before_its_deadline_says_it_closed_early():
    assert _status(CallFactory(status="closed")).startswith("Closed early")


def test_a_published_call_past_its_deadline_is_not_called_closed():
    call = CallFactory(
        opens_at=timezone.now() - datetime.timedelta(days=40),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert _status(call).startswith("Deadline passed on")


def test_the_login_page_links_to_the_public_calls(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'data-testid="public-link"' in page and "/public/calls/" in page


def test_the_public_list_shows_the_readable_status(client):
    call = CallFactory()
    page = client.get("/public/calls/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert call.title in page and "Accepting applications until" in page
