"""Findings pages: the list filters, the detail shows exactly the steps the table allows the
user, and an answer is submitted from the rendered form."""

import pytest

from tests.accounts.html_forms import read_form

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_outstanding_findings_of_the_scope(client, world):
    finding = world.finding()
    client.force_login(world.office)
    page = client.get("/findings/")
    assert page.status_code == 200
    assert finding.subject_label in page.content.decode()
    client.force_login(world.other_office)
    assert finding.subject_label not in client.get("/findings/").content.decode()


def test_the_detail_offers_the_agency_its_answer_and_the_office_its_decisions(client, world):
    finding = world.finding()
    client.force_login(world.agency)
    html = client.get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="finding-answer-form"' in html
    assert 'data-testid="finding-dismiss-form"' not in html
    client.force_login(world.office)
    html = client.get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="finding-answer-form"' not in html
    assert 'data-testid="finding-dismiss-form"' in html


def test_the_agency_answers_from_the_rendered_form(client, world):
    finding = world.finding()
    client.force_login(world.agency)
    form = read_form(
        client.get(f"/findings/{finding.pk}/").content.decode(), data_testid="finding-answer-form"
    )
    response = client.post(
        form.action, {**form.submission(note="已补交三月报告"), "evidence_file": pdf()}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.evidence.count()) == ("answered", 1)


def test_an_empty_answer_is_refused_on_the_page_and_nothing_is_saved(client, world):
    finding = world.finding()
    client.force_login(world.agency)
    form = read_form(
        client.get(f"/findings/{finding.pk}/").content.decode(), data_testid="finding-answer-form"
    )
    response = client.post(form.action, form.submission(note=""))
    assert response.status_code == 400
    finding.refresh_from_db()
    assert finding.status == "open"


def test_another_city_gets_404_on_a_finding(client, world):
    finding = world.finding()
    client.force_login(world.other_office)
    assert client.get(f"/findings/{finding.pk}/").status_code == 404
    assert client.post(f"/findings/{finding.pk}/dismiss/", {"note": "x"}).status_code == 404


def test_the_project_page_lists_its_open_findings(client, world):
    finding = world.finding()
    client.force_login(world.office)
    html = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert finding.message in html
    assert 'data-testid="lifecycle"' in html


def test_the_api_lists_findings_with_their_history(client, world):
    world.finding()
    client.force_login(world.office)
    data = client.get("/api/v1/findings/").json()
    assert data["count"] == 1
    assert data["results"][0]["events"][0]["action"] == "raise"
