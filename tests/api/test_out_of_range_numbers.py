"""Numbers beyond what a 64-bit column holds, in any path or query parameter of any GET
endpoint, answer a client error — never a server error (SQLite raises OverflowError on them)."""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from apps.accounts.services import api_client_create
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
HUGE = str(2**70)


def _get_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if "get" in operations:
            yield path, operations["get"].get("parameters", [])


@pytest.fixture
def api_client():
    project = ProjectFactory()
    admin = UserFactory(role="user_admin", organisation__jurisdiction=project.jurisdiction)
    office = UserFactory(role="office", organisation=admin.organisation)
    _api, key = api_client_create(admin=admin, name="overflow", service_user=office)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}", raise_request_exception=False)


def test_huge_numbers_in_any_parameter_are_client_errors(api_client):
    failures = []
    for path, parameters in _get_operations():
        url = path
        for parameter in parameters:
            if parameter["in"] == "path":
                url = url.replace("{" + parameter["name"] + "}", HUGE)
        requests = [(url, {})] + [
            (url, {p["name"]: HUGE}) for p in parameters if p["in"] == "query"
        ]
        for request_url, query in requests:
            status = api_client.get(request_url, query).status_code
            if status >= 500:
                failures.append((request_url, query, status))
    assert failures == []


def test_huge_evidence_project_filter_names_the_range(api_client):
    response = api_client.get("/api/v1/evidence-files/", {"project": HUGE})
    assert response.status_code == 400
    assert "project" in response.json()["errors"]
