"""apps.integrations.services.batch_once: one transaction for the rows and the key's record;
a key stored by a concurrent request while this one ran answers that request's result (same
body) or 409 (another body), and this request's rows are rolled back."""

import pytest
from django.core.exceptions import ValidationError

from apps.integrations.models import IdempotentBatch
from apps.integrations.services import BatchRejected, KeyReused, _digest, batch_once
from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _run(user, apply, *, key="k", body=None):
    return batch_once(
        user=user,
        jurisdiction=user.organisation.jurisdiction,
        operation="test-op",
        key=key,
        body=body if body is not None else ["a"],
        rows_count=1,
        apply=apply,
    )


def _side_row(code):
    """A row the batch writes (any table: it is rolled back with the batch)."""
    return CityFactory(code=code)


def _concurrent(monkeypatch, user, body):
    """The other request's record, committed while this one ran: this one's first look-up
    found nothing, its insert then meets the unique key."""
    from apps.integrations import services

    stored = IdempotentBatch.objects.create(
        jurisdiction=user.organisation.jurisdiction,
        user=user,
        operation="test-op",
        key="k",
        digest=_digest(body),
        rows=1,
        status_code=201,
        response={"operation": "test-op", "rows": 1, "results": [{"id": 1}]},
    )
    real, calls = services._stored, []

    def first_misses(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "_stored", first_misses)
    return stored


def test_a_concurrent_request_with_the_same_body_is_answered_its_result(monkeypatch):
    user = UserFactory()
    stored = _concurrent(monkeypatch, user, ["a"])

    def apply():
        _side_row("990001")
        return [{"id": 2}]

    code, answer, replayed = _run(user, apply)
    assert (code, answer, replayed) == (201, stored.response, True)
    assert not CityFactory._meta.model.objects.filter(code="990001").exists()
    assert IdempotentBatch.objects.count() == 1


def test_a_concurrent_request_with_another_body_is_a_conflict(monkeypatch):
    user = UserFactory()
    _concurrent(monkeypatch, user, ["other"])

    def apply():
        _side_row("990002")
        return []

    with pytest.raises(KeyReused):
        _run(user, apply)
    assert not CityFactory._meta.model.objects.filter(code="990002").exists()


def test_a_rejected_batch_stores_nothing_and_leaves_the_key_free():
    user = UserFactory()

    def reject():
        _side_row("990003")
        raise BatchRejected("bad", [{"row": 0, "errors": {"x": ["y"]}}])

    with pytest.raises(BatchRejected):
        _run(user, reject)
    assert not CityFactory._meta.model.objects.filter(code="990003").exists()
    assert not IdempotentBatch.objects.exists()
    code, _answer, replayed = _run(user, lambda: [{"ok": True}])
    assert code == 201 and not replayed


@pytest.mark.parametrize("key", ["", "   ", "x" * 101, "tab\there"])
def test_a_missing_or_bad_key_is_refused_before_anything(key):
    user = UserFactory()
    with pytest.raises(ValidationError):
        _run(user, lambda: pytest.fail("applied without a key"), key=key)
