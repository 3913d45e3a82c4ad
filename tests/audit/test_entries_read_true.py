"""Entries that read true (issue 11 item 4): an unchanged value is never a change, bulk paths
write one entry per batch with its row count and digest, scoped reads have their index, and
the page says whether each entry is chained yet."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from apps.accounts import services as accounts
from apps.accounts.models import ApiClient
from apps.accounts.roles import Role
from apps.audit.chain import rows_digest
from apps.audit.models import AuditEntry
from apps.audit.sequencer import audit_chain_pending
from apps.audit.services import audit_bulk, json_safe
from tests.factories import CityFactory, ComplianceDocumentFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _entries_of(instance):
    return AuditEntry.unscoped.filter(
        object_type=instance._meta.label, object_id=str(instance.pk)
    ).order_by("id")


def _saved_again(instance, **values):
    fresh = type(instance)._base_manager.get(pk=instance.pk)
    for name, value in values.items():
        setattr(fresh, name, value)
    before = _entries_of(fresh).count()
    fresh.save()
    return _entries_of(fresh).count() - before


@pytest.mark.parametrize("same", [85, Decimal("85"), Decimal("85.0"), "85", "85.000"])
def test_the_same_amount_written_differently_is_no_change(same):
    project = ProjectFactory(budget_amount=Decimal("85.00"))
    assert _saved_again(project, budget_amount=same) == 0


def test_a_real_change_of_an_amount_is_logged_at_the_fields_places():
    project = ProjectFactory(budget_amount=Decimal("85.00"))
    assert _saved_again(project, budget_amount=86) == 1
    change = _entries_of(project).last()
    assert change.before["budget_amount"] == "85.00" and change.after["budget_amount"] == "86.00"
    assert [c[0] for c in change.changes()] == ["budget_amount"]


def test_dates_and_datetimes_are_compared_as_values():
    reviewed = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)
    document = ComplianceDocumentFactory(signed_on=datetime.date(2026, 1, 5), reviewed_at=reviewed)
    assert _saved_again(document, signed_on="2026-01-05") == 0
    same_instant = reviewed.astimezone(ZoneInfo("Asia/Shanghai"))
    assert _saved_again(document, reviewed_at=same_instant) == 0
    assert _saved_again(document, signed_on=datetime.date(2026, 1, 6)) == 1


def test_audit_bulk_writes_one_entry_with_the_row_count_and_digest():
    rows = [{"pk": i, "is_active": False} for i in range(500)]
    entry = audit_bulk(
        action="update", model=ApiClient, rows_count=len(rows), digest=rows_digest(rows)
    )
    assert entry.object_type == "accounts.ApiClient"
    assert entry.after["rows"] == 500 and entry.after["digest"] == rows_digest(rows)
    assert audit_bulk(action="update", model=ApiClient, rows_count=0, digest="") is None


def test_revoking_an_accounts_api_keys_is_logged_as_one_batch():
    city = CityFactory()
    admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=city)
    device = UserFactory(role=Role.OFFICE, organisation=admin.organisation)
    clients = [
        accounts.api_client_create(admin=admin, name=f"终端{i}", service_user=device)[0]
        for i in range(3)
    ]
    accounts.user_deactivate(admin=admin, user=device)
    assert not ApiClient.objects.filter(service_user=device, is_active=True).exists()
    batch = AuditEntry.unscoped.filter(object_type="accounts.ApiClient", action="update").get()
    assert batch.after["rows"] == 3 and batch.after["is_active"] is False
    assert sorted(batch.after["ids"]) == sorted(str(c.pk) for c in clients)
    expected = rows_digest(json_safe([{"pk": c.pk, "is_active": True} for c in clients]))
    assert batch.after["digest"] == expected
    assert batch.jurisdiction_path == device.audit_jurisdiction_path()


def test_scoped_reads_have_a_prefix_index_on_the_jurisdiction_path():
    index = next(i for i in AuditEntry._meta.indexes if i.name == "audit_scope_idx")
    assert index.fields == ["jurisdiction_path"] and index.opclasses == ["varchar_pattern_ops"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'audit_scope_idx'")
            assert "varchar_pattern_ops" in cursor.fetchone()[0]


def test_the_page_shows_whether_each_entry_is_chained(client):
    city = CityFactory()
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    office.full_name = "新名字"
    office.save()
    client.force_login(office)
    body = client.get("/audit/").content.decode()
    assert 'data-testid="not-chained"' in body and 'data-testid="chained"' not in body
    assert 'data-testid="chain-status"' in body and 'data-testid="verify-form"' not in body
    audit_chain_pending()
    body = client.get("/audit/").content.decode()
    assert 'data-testid="chained"' in body
