"""Deadline findings live in the findings engine now (copied by findings 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("findings", "0002_deadline_findings"),
    ]

    operations = [migrations.DeleteModel(name="DeadlineFinding")]
