"""The database refuses to change or delete an attendance record (issue 14 item 4).

The model refuses `save()` of an existing row and `delete()`; this trigger also stops a bulk
`update()`, raw SQL and the admin. Installed after every `migrate` (also in test databases
built without migrations), idempotently, on PostgreSQL and SQLite.
"""

from django.db import connections

TABLE = "training_attendancerecord"
MESSAGE = "attendance records are immutable"

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_immutable() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TABLE}_immutable ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_immutable()""",
]


def attendance_guard_install(sender=None, using="default", **kwargs) -> None:
    connection = connections[using]
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(connection.vendor)
    if statements is None:
        return
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        for statement in statements:
            cursor.execute(statement)


def attendance_guard_remove(using="default") -> None:
    """Drops the guard, for a database that is about to be emptied as a whole (SQLite's
    `flush` deletes row by row; PostgreSQL's truncates, which row triggers do not see). The
    next `migrate` or `flush` installs it again (post_migrate)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_immutable ON {TABLE}")
