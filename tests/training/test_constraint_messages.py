"""Training's constraints in plain words (issue 13 item 10): a session that would end before
it starts is refused from the rendered page with a requirement on the field; the model's
checks name what is wrong, never the constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.training.models import Session
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def test_a_session_ending_before_it_starts_is_refused_in_plain_words(client, world):
    a, _ = world
    client.force_login(a.agency)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("training:session_create", args=[a.training_class.pk]))
    response = form_submit(
        client,
        page,
        "form[data-testid=session-form]",
        data={
            "title": "倒序场次",
            "teacher": "李老师",
            "starts_at": "2027-06-01T12:00",
            "ends_at": "2027-06-01T09:00",
            "venue_address": "石家庄市桥西区",
            "latitude": "38.0423",
            "longitude": "114.5143",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The session must end after it starts." in body
    assert "Constraint" not in body and "session_ends_after_start" not in body
    assert not Session.unscoped.filter(title="倒序场次").exists()


def test_the_models_checks_name_what_is_wrong(world):
    a, _ = world
    session = Session.unscoped.get(pk=a.session.pk)
    session.ends_at, session.radius_m = session.starts_at, 0
    with translation.override("en"), pytest.raises(ValidationError) as error:
        session.validate_constraints()
    assert sorted(error.value.messages) == [
        "The check-in radius must be more than zero.",
        "The session must end after it starts.",
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        session.validate_constraints()
    assert not any("约束" in m for m in error.value.messages)
