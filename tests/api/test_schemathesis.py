"""Property-based API tests driven by the OpenAPI schema (schemathesis): every GET endpoint,
with generated path and query parameters, answers without a server error and with a status
the client can act on."""

import json

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings

from apps.accounts.services import api_client_create
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
ACCEPTABLE = {200, 400, 401, 403, 404}


def _schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


def _get_operations():
    for result in _schema().get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET":
            yield operation


@pytest.fixture
def api_client():
    project = ProjectFactory()
    admin = UserFactory(role="user_admin", organisation__jurisdiction=project.jurisdiction)
    office = UserFactory(role="office", organisation=admin.organisation)
    _api, key = api_client_create(admin=admin, name="schemathesis", service_user=office)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}")


def test_every_get_endpoint_survives_generated_input(api_client):
    operations = list(_get_operations())
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            response = api_client.get(case.formatted_path, case.query or {})
            assert response.status_code in ACCEPTABLE, (
                f"GET {case.formatted_path} {case.query} → "
                f"{response.status_code}: {response.content[:300]!r}"
            )

        check()
