"""Issue 16 item 6 — bad input is a 400, never a 500: every write operation of the schema
(POST, PUT, PATCH) is fuzzed with schemathesis-generated bodies, path and query parameters —
once against made-up ids and once against a real object the caller may change (a draft
application for the applicant's system, a draft procurement for the procuring authority's) —
and every answer must be documented: no server error, a documented status and content type,
a body valid against the schema."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.services import api_client_create
from tests.applications.builders import draft_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.procurement import world as pw

from .conformance import CHECKS, operations, send

pytestmark = pytest.mark.django_db
WRITES = {"POST", "PUT", "PATCH"}


def _client(user):
    from django.test import Client

    jurisdiction = user.organisation.jurisdiction
    admin = UserFactory(role="user_admin", organisation__jurisdiction=jurisdiction)
    _api, key = api_client_create(admin=admin, name="fuzz", service_user=user)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}")


@pytest.fixture
def callers():
    a, _b = pw.build_world()
    procurement = pw.draft(a, requirements=0)
    application, applicant = draft_application(CallFactory(jurisdiction=a.city))
    office = _client(a.office)
    return {
        "/api/v1/applications/": (_client(applicant), application.pk),
        "/api/v1/procurements/": (_client(a.hrss), procurement.pk),
        "": (office, None),
    }


def _caller(callers, path):
    for prefix, caller in callers.items():
        if prefix and path.startswith(prefix):
            return caller
    return callers[""]


def _checker(operation, client, real_id):
    @given(case=operation.as_strategy(), use_real=st.booleans())
    @settings(
        max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case, use_real):
        if use_real and real_id is not None and "id" in (case.path_parameters or {}):
            case.path_parameters = {**case.path_parameters, "id": real_id}
        case.headers = {**(case.headers or {}), "Idempotency-Key": "fuzz"}
        case.validate_response(send(client, case), checks=CHECKS)

    return check


def test_every_write_operation_answers_as_documented(callers):
    found = list(operations(WRITES))
    assert len(found) >= 8
    failures = []
    for operation in found:
        client, real_id = _caller(callers, operation.path)
        try:
            _checker(operation, client, real_id)()
        except (Exception, BaseExceptionGroup) as failure:  # each operation, not only the first
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    assert failures == [], "\n\n".join(failures)
