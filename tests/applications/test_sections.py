"""The application form in sections (issue 17 item 4): saved per section, progress, errors at
the field and listed at the top with links, and the printable application form."""

import pytest
from django.conf import settings
from django.utils import translation

from apps.applications.models import Application
from apps.applications.printing import application_form_html
from apps.applications.sections import SECTIONS
from apps.applications.services import CHILD_TABLES, FORM_FIELDS
from tests.applications.builders import draft_application
from tests.calls.factories import CallFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def applicant(client):
    application, user = draft_application(CallFactory())
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return application


def test_every_field_and_table_is_in_exactly_one_section():
    fields = [name for section in SECTIONS for name in section.fields]
    tables = [name for section in SECTIONS for name in section.tables]
    assert sorted(fields) == sorted(FORM_FIELDS)
    assert sorted(tables) == sorted(CHILD_TABLES)


def test_a_section_shows_only_its_fields_and_the_progress_of_all(applicant, client):
    page = client.get(f"/applications/{applicant.pk}/edit/?section=targets", **EN)
    html = page.content.decode()
    assert 'name="pass_rate"' in html and 'name="project_name"' not in html
    assert html.count('data-section="') == len(SECTIONS)
    assert 'aria-current="step" data-section="targets"' in html


def test_saving_a_section_leaves_the_other_sections_as_they_were(applicant, client):
    Application.unscoped.filter(pk=applicant.pk).update(commitment_accepted=True)
    page = client.get(f"/applications/{applicant.pk}/edit/?section=targets", **EN)
    response = form_submit(
        client,
        page,
        "form[data-testid=application-form]",
        data={"pass_rate": "85"},
        button="button[data-testid=save-continue]",
    )
    assert response.status_code == 302 and response["Location"].endswith("?section=budget")
    saved = Application.unscoped.get(pk=applicant.pk)
    assert saved.pass_rate == 85 and saved.commitment_accepted


def test_errors_show_at_the_field_and_at_the_top_with_a_link(applicant, client):
    page = client.get(f"/applications/{applicant.pk}/edit/?section=basics", **EN)
    response = form_submit(
        client,
        page,
        "form[data-testid=application-form]",
        data={"start_date": "2027-06-01", "end_date": "2027-05-01"},
        button="button[name=save]",
    )
    html = response.content.decode()
    with translation.override("en"):
        assert 'data-testid="error-summary"' in html
        assert '<a href="#id_end_date">' in html
        assert 'data-testid="error-end_date"' in html
        assert "The end date is before the start date." in html
    assert Application.unscoped.get(pk=applicant.pk).end_date != "2027-05-01"


def test_problems_before_submitting_link_to_their_section(applicant, client):
    Application.unscoped.filter(pk=applicant.pk).update(sealed=False)
    html = client.get(f"/applications/{applicant.pk}/edit/", **EN).content.decode()
    assert 'data-testid="problems"' in html
    assert "?section=commitment#id_sealed" in html
    assert 'data-section="commitment" data-problems="1"' in html


def test_the_printable_form_is_a_pdf(applicant, client):
    response = client.get(f"/applications/{applicant.pk}/print/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_printable_form_holds_every_section_with_the_filled_values(applicant):
    Application.unscoped.filter(pk=applicant.pk).update(pass_rate=85, sealed=True)
    applicant.refresh_from_db()
    with translation.override("en"):
        html = application_form_html(applicant)
        assert all(str(section.title) in html for section in SECTIONS)
        assert applicant.number in html and applicant.project_name in html
        assert "target exam pass rate" in html.lower() or "pass rate" in html.lower()
        assert "Seal of the applicant" in html
