"""Qualifications' constraints in plain words (issue 13 item 10): a licence whose validity
ends before it starts and a camera that turns more than a full circle are refused on the
field, from the rendered page, with the app's words -- never "Constraint … is violated"."""

import pytest
from django.urls import reverse

from apps.qualifications.models import Equipment, Licence
from tests.rendered_forms import form_submit

from .test_views import world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_licence_valid_until_before_it_is_valid_from_is_refused_on_the_field(
    client,
    world,  # noqa: F811
):
    client = _as(client, world.implementer)
    url = reverse("qualifications:licence_edit", args=[world.licence.pk])
    response = form_submit(
        client,
        client.get(url),
        "form[data-testid=register-form]",
        data={"valid_from": "2024-01-01", "valid_until": "2023-12-31"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The end of validity is before its start." in body
    assert "Constraint" not in body and "licence_valid_until_after_from" not in body
    assert str(Licence.unscoped.get(pk=world.licence.pk).valid_until) != "2023-12-31"


def test_a_rotation_over_360_degrees_is_refused_on_the_field(client, world):  # noqa: F811
    client = _as(client, world.implementer)
    url = reverse("qualifications:equipment_edit", args=[world.camera.pk])
    response = form_submit(
        client, client.get(url), "form[data-testid=register-form]", data={"rotation_degrees": "400"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The rotation cannot be more than 360 degrees." in body
    assert "Constraint" not in body and "equipment_rotation_at_most_360" not in body
    assert Equipment.unscoped.get(pk=world.camera.pk).rotation_degrees != 400
