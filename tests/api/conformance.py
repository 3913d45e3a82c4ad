"""Drive the API from its OpenAPI schema with Django's test client (same transaction as the
test, so the test's data is visible) and validate each response against the schema: status
code documented, content type documented, body valid against the documented schema."""

import json
import time

import requests
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NOT_SET
from schemathesis.core.transport import Response

from apps.accounts.services import api_client_create
from tests.factories import ProjectFactory, UserFactory

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


@schemathesis.check
def problem_shape(ctx, response, case):
    """Every error answer is problem details (issue 16 item 5): `application/problem+json`,
    the five fields, `status` equal to the HTTP status, `type` naming the `code`."""
    if response.status_code < 400:
        return True
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered as {content_type!r}")
    body = response.json()
    missing = PROBLEM_FIELDS - set(body) if isinstance(body, dict) else PROBLEM_FIELDS
    if missing:
        raise AssertionError(f"problem details without {sorted(missing)}: {body!r}"[:500])
    if body["status"] != response.status_code or body["type"] != f"urn:wipp:problem:{body['code']}":
        raise AssertionError(f"inconsistent problem details: {body!r}"[:500])
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_shape,
]


def api_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


def operations(methods: set[str]):
    for result in api_schema().get_all_operations():
        operation = result.ok()
        if operation.method.upper() in methods:
            yield operation


def key_client(role="office", **project_kwargs) -> tuple[Client, object]:
    """A test client with an API key of a `role` account in a project's city."""
    project = ProjectFactory(**project_kwargs)
    admin = UserFactory(role="user_admin", organisation__jurisdiction=project.jurisdiction)
    user = UserFactory(role=role, organisation=admin.organisation)
    _api, key = api_client_create(admin=admin, name="conformance", service_user=user)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}"), project


def _multipart(body: dict) -> dict:
    """Generated multipart values as the test client sends them (bytes as files)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        name: SimpleUploadedFile(name, value) if isinstance(value, bytes) else value
        for name, value in body.items()
        if value is not None
    }


def send(client: Client, case) -> Response:
    """The case through the test client, answered as schemathesis' transport would."""
    method = case.method.lower()
    path = case.formatted_path
    headers = {
        name: str(value)
        for name, value in (case.headers or {}).items()
        if name.lower() not in {"authorization", "content-type", "content-length"}
    }
    started = time.perf_counter()
    if method == "get":
        answer = client.get(path, case.query or {}, headers=headers)
    else:
        query = "&".join(f"{k}={v}" for k, v in (case.query or {}).items())
        url = f"{path}?{query}" if query else path
        media = case.media_type or "application/json"
        if media == "application/json":
            has_body = case.body is not None and case.body is not NOT_SET
            body = json.dumps(case.body) if has_body else ""
            answer = getattr(client, method)(
                url, body, content_type="application/json", headers=headers
            )
        elif media == "multipart/form-data" and method == "post":
            body = case.body if isinstance(case.body, dict) else {}
            answer = client.post(url, _multipart(body), headers=headers)
        else:
            answer = getattr(client, method)(url, "", content_type=media, headers=headers)
    elapsed = time.perf_counter() - started
    prepared = requests.Request(
        case.method.upper(), f"http://testserver{path}", params=case.query or None
    ).prepare()
    answered: dict[str, list[str]] = {}
    for name, value in answer.items():
        answered.setdefault(name, []).append(value)
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return Response(
        status_code=answer.status_code,
        headers=answered,
        content=content,
        request=prepared,
        elapsed=elapsed,
        verify=False,
        encoding="utf-8",
    )
