"""The application pages, driven through the forms they render (items 1 and 2 of issue 13)."""

import pytest
from django.conf import settings
from django.utils import translation

from apps.applications.models import Application
from tests.applications.builders import draft_application, scan_pdf, submitted_application
from tests.calls.factories import CallFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def call():
    return CallFactory()


def test_the_edit_page_renders_the_upload_form_with_its_kinds(call, client):
    application, user = draft_application(call, sealed_scan=False)
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/edit/", **EN)
    form = page.content.decode()
    assert 'name="kind"' in form and 'name="file"' in form
    assert 'value="sealed_form"' in form
    assert "No attachments yet." in form


def test_an_attachment_uploaded_from_the_edit_page_is_listed_there(call, client):
    application, user = draft_application(call, sealed_scan=False)
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/edit/", **EN)
    response = form_submit(
        client,
        page,
        "form[data-testid=attachment-form]",
        data={"kind": "sealed_form", "file": scan_pdf("upload-from-page")},
        follow=True,
    )
    attachment = application.applicationattachment_set.get()
    assert attachment.kind == "sealed_form"
    listed = response.content.decode()
    assert f"/evidence/{attachment.evidence_id}/download/" in listed
    assert "No attachments yet." not in listed


def test_a_refused_upload_shows_its_error_on_the_edit_page(call, client):
    from django.core.files.base import ContentFile

    application, user = draft_application(call, sealed_scan=False)
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/edit/", **EN)
    response = form_submit(
        client,
        page,
        "form[data-testid=attachment-form]",
        data={"kind": "other", "file": ContentFile(b"MZ\x90\x00 not a pdf", name="x.pdf")},
    )
    assert response.status_code == 400
    assert 'data-testid="attachment-error"' in response.content.decode()
    assert not application.applicationattachment_set.exists()


def test_the_edit_page_warns_while_the_sealed_scan_is_missing(call, client):
    application, user = draft_application(call, sealed_scan=False)
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/edit/", **EN).content.decode()
    assert 'data-testid="sealed-scan-missing"' in page


def test_a_second_submission_from_the_page_is_refused_naming_the_first(call, client):
    first, user = submitted_application(call)
    second, _ = draft_application(call, user)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the form's POST reads in English too
    page = client.get(f"/applications/{second.pk}/edit/", **EN)
    response = form_submit(
        client,
        page,
        "form[data-testid=application-form]",
        button="button[data-testid=submit]",
    )
    second.refresh_from_db()
    assert second.status == "draft"
    text = response.content.decode()
    assert first.number in text and first.project_name in text
    with translation.override("en"):
        assert "accepts 1 application per applicant" in text


def test_the_service_industries_are_chosen_on_the_edit_page(call, client):
    application, user = draft_application(call)
    other = call.key_industries.first()
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/edit/", **EN)
    assert 'data-testid="service-industries"' in page.content.decode()
    form_submit(
        client,
        page,
        "form[data-testid=application-form]",
        data={"service_industries": [str(other.pk)]},
        button="button[name=save]",
    )
    assert list(Application.unscoped.get(pk=application.pk).service_industries.all()) == [other]
