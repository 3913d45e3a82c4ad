"""Scoped reads of the audit log use the jurisdiction index (issue 11 item 4): a city office's
`AuditEntry.objects.for_user(...)` filters `jurisdiction_path LIKE 'prefix%'`, and on
PostgreSQL the plan reads `audit_scope_idx` (varchar_pattern_ops) rather than the table."""

import pytest
from django.db import connection

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from tests.factories import CityFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans"),
]


def test_a_city_offices_log_reads_the_scope_index():
    city = CityFactory()
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    for i in range(50):
        audit_record(
            action="update", object_type="tests.Row", object_id=i, jurisdiction_path=city.path
        )
    queryset = AuditEntry.objects.for_user(office).order_by()
    sql, params = queryset.query.sql_with_params()
    assert "LIKE" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_scope_idx" in plan, plan
    assert queryset.filter(object_type="tests.Row").count() == 50
