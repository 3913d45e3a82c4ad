"""A decision about an organisation's document on file (issue 17 item 1): when the office
approves or returns a confidentiality agreement or an account form, the users of the
organisation that filed it are told — in the bell and the notification list, with the reason
of a return — and nobody else is."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import ComplianceDocument
from apps.accounts.roles import Role
from apps.deadlines.models import Notification, NotificationKind
from tests.factories import CityFactory, ComplianceDocumentFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.LANGUAGE_CODE = "en"  # stored messages are in the platform's language
    city, other_city = CityFactory(), CityFactory()
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    applicant = UserFactory(role=Role.APPLICANT, organisation__jurisdiction=city)
    colleague = UserFactory(role=Role.APPLICANT, organisation=applicant.organisation)
    stranger = UserFactory(role=Role.APPLICANT, organisation__jurisdiction=city)
    far = UserFactory(role=Role.APPLICANT, organisation__jurisdiction=other_city)
    document = ComplianceDocumentFactory(organisation=applicant.organisation, status="submitted")
    return {
        "office": office,
        "applicant": applicant,
        "colleague": colleague,
        "stranger": stranger,
        "far": far,
        "document": document,
    }


def _decisions(user):
    return list(Notification.objects.filter(recipient=user, kind=NotificationKind.DECISION))


def _review(client, w, django_capture_on_commit_callbacks, *, action, note=""):
    client.force_login(w["office"])
    page = client.get(reverse("manage:organisation_detail", args=[w["document"].organisation_id]))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = form_submit(
            client,
            page,
            f"form[data-testid=review-{w['document'].pk}]",
            data={"note": note},
            button=f"button[value={action}]",
        )
    assert answer.status_code == 302
    client.logout()


def test_a_returned_document_tells_the_applicant_with_its_reason(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    _review(client, w, django_capture_on_commit_callbacks, action="return", note="签章不清晰")
    w["document"].refresh_from_db()
    assert w["document"].status == "rejected"
    (notice,) = _decisions(w["applicant"])
    assert "Reason: 签章不清晰" in notice.message and "now “Returned”" in notice.message
    own_page = reverse("manage:organisation_detail", args=[w["applicant"].organisation_id])
    assert notice.link == own_page
    assert len(_decisions(w["colleague"])) == 1
    for other in ("office", "stranger", "far"):
        assert not _decisions(w[other]), other

    # The applicant sees it: the bell counts it, the list shows the reason, the link opens.
    client.force_login(w["applicant"])
    with translation.override("en"):
        home = client.get(reverse("home")).content.decode()
        assert 'data-testid="unread-count">1<' in home
        listed = client.get(reverse("deadlines:notifications")).content.decode()
    assert "签章不清晰" in listed
    assert client.get(notice.link).status_code == 200


def test_an_approval_tells_the_organisation_without_a_reason(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    _review(client, w, django_capture_on_commit_callbacks, action="approve")
    (notice,) = _decisions(w["applicant"])
    assert "now “Approved”" in notice.message and "Reason" not in notice.message
    assert not _decisions(w["stranger"]) and not _decisions(w["office"])


def test_the_organisation_is_the_documents_owner():
    assert ComplianceDocument.organisation_lookup == "organisation"
