import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from tests.applications.builders import applicant_user, valid_fields, valid_tables
from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db


def _payload(call) -> dict:
    fields = valid_fields(call)
    fields["industry"] = fields["industry"].code
    fields["service_industries"] = [i.code for i in fields["service_industries"]]
    return {
        "call": call.pk,
        "project_name": "接口申报的培训项目",
        "project_type": "training",
        **fields,
        **valid_tables(call),
    }


def _post(client, url, data):
    return client.post(
        url, json.dumps(data, cls=DjangoJSONEncoder), content_type="application/json"
    )


def test_applicant_system_creates_and_submits_through_the_api(client):
    call = CallFactory()
    client.force_login(applicant_user(call))
    created = _post(client, "/api/v1/applications/", _payload(call))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and len(body["budget_lines"]) == 2
    submitted = client.post(f"/api/v1/applications/{body['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"


def test_api_submission_errors_are_specific_and_400(client):
    call = CallFactory()
    client.force_login(applicant_user(call))
    payload = _payload(call)
    payload["budget_lines"] = payload["budget_lines"][:1]
    created = _post(client, "/api/v1/applications/", payload).json()
    response = client.post(f"/api/v1/applications/{created['id']}/submit/")
    assert response.status_code == 400
    assert "budget" in response.json()["errors"]


def test_bad_percentage_is_a_400_and_nothing_is_saved(client):
    from apps.applications.models import Application

    call = CallFactory()
    client.force_login(applicant_user(call))
    payload = _payload(call)
    payload["awareness_rate"] = "120"
    response = _post(client, "/api/v1/applications/", payload)
    assert response.status_code == 400
    assert "awareness_rate" in response.json()["errors"]
    assert not Application.unscoped.exists()


def test_another_applicant_cannot_change_the_application(client):
    call = CallFactory()
    client.force_login(applicant_user(call))
    created = _post(client, "/api/v1/applications/", _payload(call)).json()
    client.force_login(applicant_user(call))
    response = client.patch(
        f"/api/v1/applications/{created['id']}/",
        json.dumps({"project_name": "篡改"}),
        content_type="application/json",
    )
    assert response.status_code == 404
