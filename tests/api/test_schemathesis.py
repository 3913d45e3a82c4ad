"""Property-based API tests driven by the OpenAPI schema (schemathesis): every GET endpoint,
with generated path and query parameters, answers without a server error, with a documented
status and content type, and with a body that is valid against the documented schema — the
schema is the truth an integrating platform codes against."""

import pytest
from hypothesis import HealthCheck, given, settings

from tests.factories import ParticipantFactory

from .conformance import CHECKS, key_client, operations, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client():
    client, project = key_client()
    # Rows with the nullable parts empty: a participant with no person, a root jurisdiction.
    ParticipantFactory(project=project, person=None)
    return client


def test_every_get_endpoint_answers_as_documented(api_client):
    found = list(operations({"GET"}))
    assert len(found) >= 10
    failures = []
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            case.validate_response(send(api_client, case), checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # each operation, not only the first
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    assert failures == [], "\n\n".join(failures)


def test_a_list_response_that_breaks_the_schema_fails_the_check(api_client, monkeypatch):
    """The check reads bodies: a null where the schema says a string is caught."""
    from apps.accounts.api.serializers import JurisdictionSerializer

    field = JurisdictionSerializer._declared_fields["parent_code"]
    # Fields are rebuilt from their arguments for each serializer: change the argument.
    monkeypatch.setitem(field._kwargs, "allow_null", False)
    operation = next(o for o in operations({"GET"}) if o.path == "/api/v1/jurisdictions/")
    case = operation.Case(query={})
    with pytest.raises(BaseExceptionGroup) as raised:
        case.validate_response(send(api_client, case), checks=CHECKS)
    found = [raised.value, *getattr(raised.value, "exceptions", [])]
    assert any("is not of type" in f"{e} {e!r}" for e in found), found
