"""Every input has a label (issue 17 item 9): the application form — its fields and every
cell of its row tables — and the list pages' filters name each control for screen readers."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from tests.applications.builders import draft_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.open_labels = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and attrs.get("type", "text") in UNLABELLED_TYPES:
                return
            named = attrs.get("aria-label") or attrs.get("aria-labelledby") or self.open_labels
            self.controls.append((attrs.get("name"), attrs.get("id"), bool(named)))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


def unlabelled(html: str) -> tuple[list, int]:
    parser = _Controls()
    parser.feed(html)
    missing = [
        name for name, id_, named in parser.controls if not named and id_ not in parser.label_for
    ]
    return missing, len(parser.controls)


def test_every_control_of_the_application_form_has_a_label(client):
    from apps.applications.sections import SECTIONS

    application, user = draft_application(CallFactory())
    client.force_login(user)
    url = reverse("applications:edit", args=[application.pk])
    total = 0
    for section in SECTIONS:
        page = client.get(f"{url}?section={section.key}").content.decode()
        missing, count = unlabelled(page)
        assert missing == [], section.key
        total += count
    assert total > 150  # every section's fields and row tables, not empty pages


@pytest.mark.parametrize(
    "name", ["projects:list", "procurement:list", "manage:organisation_list", "findings:list"]
)
def test_every_filter_of_the_lists_has_a_label(client, name):
    client.force_login(UserFactory(role=Role.OFFICE))
    missing, total = unlabelled(client.get(reverse(name)).content.decode())
    assert total >= 2
    assert missing == []
