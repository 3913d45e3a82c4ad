"""On PostgreSQL a trigger refuses UPDATE and DELETE of audit entries (apps.audit.db_guard);
other databases get nothing (SQLite: the ORM guard and the checkpoints)."""

from django.db import migrations

from apps.audit import db_guard


def forwards(apps, schema_editor):
    db_guard.install(schema_editor.connection)


def backwards(apps, schema_editor):
    db_guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_sequencer")]

    operations = [migrations.RunPython(forwards, backwards)]
