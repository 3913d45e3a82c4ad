"""Publishing and closing a call are irreversible: the office sees what the step does first,
and only the confirmation's form takes it (issue 13 item 11)."""

import pytest

from apps.calls.models import CallStatus
from tests.applications.builders import draft_application, submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def office_client(client):
    def login(call):
        client.force_login(UserFactory(role="office", organisation__jurisdiction=call.jurisdiction))
        return client

    return login


def test_closing_early_states_the_consequence_and_changes_nothing_yet(office_client):
    call = CallFactory()
    submitted_application(call)
    draft_application(call)
    client = office_client(call)
    detail = client.get(f"/calls/{call.pk}/", **EN).content.decode()
    assert f'href="/calls/{call.pk}/close/"' in detail
    page = client.get(f"/calls/{call.pk}/close/", **EN).content.decode()
    assert "before its deadline" in page
    assert "preliminary review: 1" in page and "can no longer be submitted: 1" in page
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


def test_the_call_closes_from_the_confirmation_page(office_client):
    call = CallFactory()
    client = office_client(call)
    page = client.get(f"/calls/{call.pk}/close/", **EN)
    form_submit(client, page, "form[data-testid=confirm-form]", button="button[name=confirmed]")
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED


def test_a_post_without_the_confirmation_does_not_close_the_call(office_client):
    call = CallFactory()
    client = office_client(call)
    client.post(f"/calls/{call.pk}/close/")
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


def test_the_call_is_published_from_the_confirmation_page(office_client):
    call = CallFactory(status=CallStatus.DRAFT)
    client = office_client(call)
    page = client.get(f"/calls/{call.pk}/publish/", **EN)
    assert "public call page" in page.content.decode()
    form_submit(client, page, "form[data-testid=confirm-form]", button="button[name=confirmed]")
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


def test_another_citys_office_gets_no_confirmation_page(client):
    call = CallFactory()
    client.force_login(UserFactory(role="office"))
    assert client.get(f"/calls/{call.pk}/close/").status_code in (403, 404)


def test_after_an_early_close_an_application_can_no_longer_be_withdrawn(office_client):
    from django.core.exceptions import ValidationError

    from apps.applications.services import application_withdraw
    from apps.calls.services import call_close

    call = CallFactory()
    application, user = submitted_application(call)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    call_close(user=office, call=call)
    application.call.refresh_from_db()
    with pytest.raises(ValidationError):
        application_withdraw(user=user, application=application)


def test_the_call_list_pages_sorts_and_searches(office_client):
    first = CallFactory(title="2027年度工伤预防项目申报通知")
    for n in range(3):
        CallFactory(title=f"其他通知{n}", jurisdiction=first.jurisdiction)
    client = office_client(first)
    page = client.get("/calls/?per_page=25&sort=title", **EN).content.decode()
    assert 'data-testid="call-table"' in page and "其他通知2" in page
    searched = client.get("/calls/?q=申报", **EN).content.decode()
    assert first.title in searched and "其他通知0" not in searched
    titles = client.get("/calls/?sort=-title", **EN).content.decode()
    assert titles.index("其他通知2") < titles.index("其他通知0")
