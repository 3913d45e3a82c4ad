"""The findings of missed deadlines move from deadlines.DeadlineFinding into the findings
engine: one Finding per DeadlineFinding, same message, clause, severity and time, placed with
its deadline, owned by who held the duty."""

from django.db import migrations


def copy_deadline_findings(apps, schema_editor):
    DeadlineFinding = apps.get_model("deadlines", "DeadlineFinding")
    Finding = apps.get_model("findings", "Finding")
    FindingEvent = apps.get_model("findings", "FindingEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    deadline_type, _ = ContentType.objects.get_or_create(app_label="deadlines", model="deadline")
    for old in DeadlineFinding._base_manager.select_related("deadline").iterator(chunk_size=500):
        deadline = old.deadline
        finding, created = Finding._base_manager.get_or_create(
            rule_code="deadline_missed",
            subject_type=deadline_type,
            subject_id=deadline.pk,
            key="",
            defaults={
                "citation": old.rule_citation[:100],
                "severity": old.severity,
                "subject_label": str(deadline.subject_label)[:300],
                "jurisdiction_id": deadline.jurisdiction_id,
                "project_id": deadline.project_id,
                "message": old.message,
                "records": [{"what": "deadline", "id": deadline.pk, "due": str(deadline.due_on)}],
                "owner_role": deadline.owner_role,
                "owner_organisation_id": deadline.owner_organisation_id,
                "status": "resolved" if deadline.status == "cancelled" else "open",
                "raised_at": old.created_at,
            },
        )
        if created:
            FindingEvent._base_manager.create(
                finding=finding, action="raise", status_after="open", note=old.message,
                at=old.created_at,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0001_initial"),
        ("deadlines", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy_deadline_findings, migrations.RunPython.noop)]
