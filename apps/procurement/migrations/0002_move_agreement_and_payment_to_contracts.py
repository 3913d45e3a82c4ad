"""The service agreement and the payment ledger move to the contracts app.

State only: the tables procurement_serviceagreement and procurement_payment stay as they are,
with their rows and constraints; contracts.0001_initial takes them over under the same names.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Payment"),
                migrations.DeleteModel(name="ServiceAgreement"),
            ],
            database_operations=[],
        ),
    ]
