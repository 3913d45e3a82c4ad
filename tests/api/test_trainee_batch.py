"""Issue 16 item 7 — the second batch of the write API: the implementing agency's system adds
trainees to a class's roster (HB §10, §12, §14; the online platforms then find them by their
ID number): atomic, idempotent under the Idempotency-Key (the same body replays the first
answer, another body is a 409), every bad row reported, region-scoped, and one audit entry of
the batch with its digest and row count — no ID number in clear anywhere in it."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import translation

from apps.accounts.services import api_client_create
from apps.audit.models import AuditAction, AuditEntry
from apps.core.validators import make_resident_id
from apps.findings.models import Finding
from apps.integrations.models import IdempotentBatch
from apps.training.models import Trainee
from tests.factories import UserFactory, unique_credit_code
from tests.training import world as tw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return tw.build_world()


def _key_client(user) -> Client:
    admin = UserFactory(
        role="user_admin", organisation__jurisdiction=user.organisation.jurisdiction
    )
    _api, key = api_client_create(admin=admin, name="agency system", service_user=user)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en")


def _id(n: int) -> str:
    return make_resident_id("130102", datetime.date(1991, 2, 1 + n), 21 + 2 * n)


def _row(n: int, **extra) -> dict:
    return {
        "name": f"学员{'甲乙丙丁戊'[n % 5]}",
        "resident_id": _id(n),
        "phone": "13800138000",
        "employer_name": "石家庄城建集团",
        "employer_credit_code": unique_credit_code(),
        "post": "架子工",
        **extra,
    }


def _send(client, training_class, rows, key="roster-1"):
    return client.post(
        f"/api/v1/training-classes/{training_class.pk}/trainees/batch/",
        json.dumps({"trainees": rows}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_batch_enrols_every_trainee_once_and_replays(world):
    a, _b = world
    client = _key_client(a.agency)
    rows = [_row(1), _row(2), _row(3)]
    first = _send(client, a.training_class, rows)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["rows"] == 3 and [r["row"] for r in body["results"]] == [0, 1, 2]
    trainees = Trainee.unscoped.filter(training_class=a.training_class).order_by("pk")
    assert [t.pk for t in trainees] == [r["id"] for r in body["results"]]
    assert [t.resident_id for t in trainees] == [r["resident_id"] for r in rows]

    again = _send(client, a.training_class, rows)
    assert again.status_code == 200 and again.json() == body
    assert trainees.count() == 3
    other = _send(client, a.training_class, [_row(4)])
    assert other.status_code == 409 and other.json()["code"] == "conflict"
    assert trainees.count() == 3 and IdempotentBatch.objects.count() == 1


def test_the_batch_has_one_audit_entry_with_its_digest_and_no_id_number(world):
    a, _b = world
    rows = [_row(1), _row(2)]
    assert _send(_key_client(a.agency), a.training_class, rows).status_code == 201
    batch = IdempotentBatch.objects.get()
    entries = AuditEntry.unscoped.filter(
        object_type="integrations.IdempotentBatch", object_id=str(batch.pk)
    )
    assert entries.count() == 1
    entry = entries.get()
    assert entry.action == AuditAction.CREATE
    assert entry.after["rows"] == 2 and entry.after["digest"] == batch.digest
    assert entry.after["operation"] == f"training-roster:{a.training_class.pk}"
    assert entry.actor_id == a.agency.pk and entry.via == "api"
    for text in (json.dumps(entry.after), json.dumps(batch.response), batch.digest):
        assert rows[0]["resident_id"] not in text
    # The trainees themselves: the roster's one bulk entry, the ID numbers as blind indexes.
    bulk = AuditEntry.unscoped.get(object_type="training.Trainee", action=AuditAction.CREATE)
    assert bulk.after["rows"] == 2
    assert rows[0]["resident_id"] not in json.dumps(bulk.after)


def test_bad_rows_refuse_the_whole_batch_each_named(world):
    a, _b = world
    rows = [
        _row(1),
        _row(2, resident_id="130102199102030000"),
        _row(3, employer_credit_code="123"),
        _row(4, resident_id=_id(1)),  # the same person as row 0
    ]
    response = _send(_key_client(a.agency), a.training_class, rows)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "batch_rejected"
    assert response["Content-Type"].startswith("application/problem+json")
    by_row = {e["row"]: e["errors"] for e in body["errors"]}
    assert set(by_row) == {1, 2, 3}
    assert "resident_id" in by_row[1] and "employer_credit_code" in by_row[2]
    assert "same ID number" in by_row[3]["resident_id"][0]
    assert not Trainee.unscoped.exists() and not IdempotentBatch.objects.exists()
    # The key was not used up: the corrected batch goes through under it.
    fixed = _send(_key_client(a.agency), a.training_class, [_row(1), _row(5)])
    assert fixed.status_code == 201


def test_rows_of_the_wrong_shape_are_reported_before_anything(world):
    a, _b = world
    rows = [_row(1), {"name": 5}, "not a row"]
    response = _send(_key_client(a.agency), a.training_class, rows)
    assert response.status_code == 400 and response.json()["code"] == "batch_rejected"
    assert {e["row"] for e in response.json()["errors"]} == {1, 2}
    empty = _send(_key_client(a.agency), a.training_class, [])
    assert empty.status_code == 400 and "trainees" in empty.json()["errors"]


def test_a_trainee_already_on_the_roster_is_refused(world):
    a, _b = world
    existing = tw.trainee_for(a, resident_id=_id(7))
    response = _send(_key_client(a.agency), a.training_class, [_row(7), _row(8)])
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 0
    assert Trainee.unscoped.filter(training_class=a.training_class).get() == existing


def test_a_birth_date_that_does_not_match_is_a_warning_and_a_finding(world, settings):
    settings.WIPP_TRAINING_ROSTER_MISMATCH_BLOCKS = False
    a, _b = world
    response = _send(_key_client(a.agency), a.training_class, [_row(1, birth_date="1980-01-01")])
    assert response.status_code == 201, response.content
    result = response.json()["results"][0]
    assert "birth_date" in result["warnings"]
    assert Finding.unscoped.filter(rule_code="TR-ROSTER-ID-MISMATCH").count() == 1


def test_scope_role_key_and_stage(world):
    a, b = world
    # Another city's class is not there for this agency.
    assert _send(_key_client(b.agency), a.training_class, [_row(1)]).status_code == 404
    # The office of the city sees the class but does not enrol trainees.
    refused = _send(_key_client(a.office), a.training_class, [_row(1)])
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    # No key: a 400 naming the header.
    no_key = _send(_key_client(a.agency), a.training_class, [_row(1)], key="")
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["errors"]
    missing = _key_client(a.agency).post(
        f"/api/v1/training-classes/{2**63}/trainees/batch/",
        "{}",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert missing.status_code == 404
    assert not Trainee.unscoped.exists()


def test_the_same_key_is_per_class(world):
    """Keys are the caller's per operation: one key on two classes is two batches."""
    from apps.training import services

    a, _b = world
    second = services.training_class_create(
        user=a.agency, project=a.project, name="第2期", syllabus_line=a.training_class.syllabus_line
    )
    client = _key_client(a.agency)
    assert _send(client, a.training_class, [_row(1)], key="same").status_code == 201
    assert _send(client, second, [_row(2)], key="same").status_code == 201
    assert IdempotentBatch.objects.count() == 2
