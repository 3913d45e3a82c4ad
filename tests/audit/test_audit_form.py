"""One entry per form (issue 11 item 4): an application's tables are saved in the
application's one entry, not one entry per row; a form saved unchanged writes nothing; an error
inside the form writes nothing; rows of other parents are captured as always."""

import pytest
from django.utils import translation

from apps.applications import services
from apps.applications.models import Application, InsuranceYear
from apps.audit.forms import audit_form
from apps.audit.models import AuditEntry
from tests.applications.builders import draft_application, valid_fields, valid_tables
from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db

CHILDREN = (
    "applications.InsuranceYear",
    "applications.TeamMember",
    "applications.PastProject",
    "applications.PlanStage",
    "applications.BudgetLine",
)


@pytest.fixture
def draft():
    with translation.override("en"):
        return draft_application(CallFactory(), sealed_scan=False)


def _new_entries(since: int):
    return AuditEntry.unscoped.filter(pk__gt=since).order_by("pk")


def _last_id() -> int:
    return AuditEntry.unscoped.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_tables_of_a_draft_go_into_the_applications_one_entry(draft):
    application, user = draft
    assert not AuditEntry.unscoped.filter(object_type__in=CHILDREN).exists()
    since = _last_id()
    tables = valid_tables(application.call)
    tables["insurance_years"][0]["insured_headcount"] = 5200
    services.application_update(
        user=user, application=application, fields={"project_name": "新名称"}, **tables
    )
    entries = list(_new_entries(since))
    assert [(e.object_type, e.object_id) for e in entries] == [
        ("applications.Application", str(application.pk))
    ]
    entry = entries[0]
    assert entry.before["project_name"] != "新名称" and entry.after["project_name"] == "新名称"
    # Only the table that changed is in it, rows without their ids or parent key.
    assert set(entry.after) == {"project_name", "updated_at", "insuranceyear_set"}
    assert sorted(r["insured_headcount"] for r in entry.after["insuranceyear_set"]) == [
        5000,
        5000,
        5200,
    ]
    assert sorted(r["insured_headcount"] for r in entry.before["insuranceyear_set"]) == [5000] * 3
    assert "id" not in entry.after["insuranceyear_set"][0]
    assert "application_id" not in entry.after["insuranceyear_set"][0]
    assert "insuranceyear_set: 3 rows" in entry.message


def test_a_draft_saved_again_unchanged_writes_no_entry(draft):
    application, user = draft
    application = Application.unscoped.get(pk=application.pk)
    application.updated_at = None  # auto_now changes it on every save: compare the rest
    since = _last_id()
    fields = valid_fields(application.call)
    services.application_update(
        user=user, application=application, fields=fields, **valid_tables(application.call)
    )
    entries = list(_new_entries(since))
    # The rows were deleted and written again with the same values: no table in the entry.
    assert all(set(e.after) <= {"updated_at"} for e in entries)
    assert not any(e.object_type in CHILDREN for e in entries)


def test_an_error_inside_the_form_writes_nothing(draft):
    application, _user = draft
    since = _last_id()
    with pytest.raises(RuntimeError), audit_form(application):
        InsuranceYear.objects.filter(application=application).delete()
        raise RuntimeError("form refused")
    assert not _new_entries(since).exists()
    assert InsuranceYear.objects.filter(application=application).count() == 3


def test_rows_of_another_parent_are_captured_as_always(draft):
    application, _user = draft
    other, _other_user = draft_application(application.call, sealed_scan=False)
    since = _last_id()
    with audit_form(application):
        row = InsuranceYear.objects.filter(application=other).first()
        row.insured_headcount = 1
        row.save()
    entries = list(_new_entries(since))
    assert [(e.object_type, e.object_id) for e in entries] == [
        ("applications.InsuranceYear", str(row.pk))
    ]


def test_a_folded_table_reads_in_plain_words_on_the_audit_pages(draft):
    from apps.audit.plain import plain_changes

    application, user = draft
    since = _last_id()
    tables = valid_tables(application.call)
    tables["insurance_years"][0]["insured_headcount"] = 5200
    services.application_update(user=user, application=application, **tables)
    entry = _new_entries(since).get()
    with translation.override("en"):
        changes = {label: (old, new) for label, old, new in plain_changes(entry)}
        label = str(InsuranceYear._meta.verbose_name)
    assert label in changes and "insuranceyear_set" not in changes
    old, new = changes[label]
    assert old.startswith("3 rows") and "5200" in new
