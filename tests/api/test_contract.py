"""Issue 16 item 5 — the API's contract: one problem-details shape for every error, ordering
and `updated_since` on lists, cursor pages for the large lists, per-client throttling, tags
per app and readable operation ids, every error documented on every operation."""

import pytest
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from apps.audit.models import AuditEntry
from apps.projects.models import Project
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

from .conformance import key_client

pytestmark = pytest.mark.django_db
PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def _problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS and body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:wipp:problem:{code}"
    return body


def test_every_error_is_problem_details():
    client, project = key_client()
    _problem(Client().get("/api/v1/projects/"), 401, "not_authenticated")
    bad_key = Client(HTTP_AUTHORIZATION="Api-Key nope.nope").get("/api/v1/projects/")
    _problem(bad_key, 401, "authentication_failed")
    _problem(client.get("/api/v1/projects/999999999/"), 404, "not_found")
    body = _problem(client.get("/api/v1/projects/", {"ordering": "secret"}), 400, "invalid")
    assert "ordering" in body["errors"]
    _problem(client.delete(f"/api/v1/projects/{project.pk}/"), 405, "method_not_allowed")


def test_ordering_by_a_column_of_the_response_with_the_id_breaking_ties():
    client, project = key_client()
    ProjectFactory(jurisdiction=project.jurisdiction, name="甲项目")
    ProjectFactory(jurisdiction=project.jurisdiction, name="乙项目")
    names = [p["name"] for p in client.get("/api/v1/projects/?ordering=-name").json()["results"]]
    assert names == sorted(names, reverse=True) and len(names) == 3
    _problem(client.get("/api/v1/projects/?ordering=applicant__credit_code"), 400, "invalid")


def test_updated_since_reads_the_audit_log_for_rows_without_updated_at():
    client, project = key_client()
    since = timezone.now().isoformat()
    other = ProjectFactory(jurisdiction=project.jurisdiction)
    assert AuditEntry.unscoped.filter(
        object_type=Project._meta.label, object_id=str(other.pk), occurred_at__gte=since
    ).exists()
    listed = client.get("/api/v1/projects/", {"updated_since": since}).json()["results"]
    assert [p["id"] for p in listed] == [other.pk]
    everything = client.get("/api/v1/projects/", {"updated_since": "2020-01-01"}).json()
    assert everything["count"] == 2
    _problem(client.get("/api/v1/projects/", {"updated_since": "yesterday"}), 400, "invalid")


def test_the_audit_log_pages_by_cursor():
    client, project = key_client()
    for _ in range(3):
        ProjectFactory(jurisdiction=project.jurisdiction)
    first = client.get("/api/v1/audit-entries/", {"page_size": 2}).json()
    assert "count" not in first and len(first["results"]) == 2 and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)


def test_each_api_client_has_its_own_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "2/min"},
    }
    from django.core.cache import cache

    cache.clear()
    first, _project = key_client()
    second, _other = key_client()
    assert first.get("/api/v1/me/").status_code == 200
    assert first.get("/api/v1/me/").status_code == 200
    refused = first.get("/api/v1/me/")
    _problem(refused, 429, "throttled")
    assert int(refused["Retry-After"]) > 0
    assert second.get("/api/v1/me/").status_code == 200
    # People on the pages' session API are not counted against a client's budget.
    person = Client()
    person.force_login(UserFactory(role="office", organisation=OrganisationFactory()))
    assert all(person.get("/api/v1/me/").status_code == 200 for _ in range(3))
    cache.clear()


def test_schema_tags_per_app_readable_ids_and_documented_errors():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    project_list = operations[("/api/v1/projects/", "get")]
    assert project_list["operationId"] == "project_list"
    assert project_list["tags"] == ["projects"]
    assert operations[("/api/v1/applications/{id}/submit/", "post")]["operationId"] == (
        "application_submit"
    )
    names = {p["name"] for p in project_list["parameters"]}
    assert {"ordering", "updated_since", "page"} <= names
    for (path, method), operation in operations.items():
        for code in ("400", "401", "403", "404", "429", "500"):
            content = operation["responses"][code]["content"]
            assert content["application/problem+json"]["schema"]["$ref"].endswith("/Problem"), (
                path,
                method,
                code,
            )
        assert operation["tags"] and operation["tags"][0].islower()
