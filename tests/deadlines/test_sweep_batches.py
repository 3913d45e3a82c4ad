"""The daily sweep in small transactions (issue 11 item 5): a crash midway leaves the deadlines
it marked overdue marked (with their findings) and the next sweep does the rest; the reminder
sweep does not read again the deadlines it already reminded of their current kind."""

import datetime

import pytest
from django.db import connection

from apps.accounts.roles import Role
from apps.batches.models import BatchRun, BatchStatus
from apps.deadlines import services
from apps.deadlines.models import Deadline, DeadlineStatus, Notification
from apps.findings.models import Finding
from tests.deadlines.test_services import _open, region  # noqa: F401
from tests.factories import OrganisationFactory, UserFactory

D = datetime.date


@pytest.fixture
def seven_missed(region):  # noqa: F811
    office_org = OrganisationFactory(kind="government_office", jurisdiction=region.sjz)
    UserFactory(role=Role.OFFICE, organisation=office_org)
    deadlines = [_open("plan_review", region.sjz, owner_organisation=office_org) for _ in range(7)]
    return sorted(deadlines, key=lambda d: d.pk)


@pytest.mark.django_db(transaction=True)
def test_a_sweep_stopped_at_the_fifth_deadline_is_finished_by_the_next(seven_missed, monkeypatch):
    day_after = seven_missed[0].due_on + datetime.timedelta(days=1)
    fifth = seven_missed[4]
    real = services._missed_finding

    def failing(deadline):
        if deadline.pk == fifth.pk:
            raise RuntimeError("sweep killed")
        return real(deadline)

    monkeypatch.setattr(services, "SWEEP_CHUNK", 2)
    monkeypatch.setattr("apps.batches.services.CHUNK_SECONDS", 3600)  # chunks by count only
    monkeypatch.setattr("apps.batches.services.SQLITE_CHUNK_SECONDS", 3600)
    monkeypatch.setattr(services, "_missed_finding", failing)
    with pytest.raises(RuntimeError, match="sweep killed"):
        services.deadlines_mark_overdue(today=day_after)
    assert not connection.in_atomic_block
    overdue = set(
        Deadline.unscoped.filter(status=DeadlineStatus.OVERDUE).values_list("pk", flat=True)
    )
    assert overdue == {d.pk for d in seven_missed[:4]}  # chunks [1,2] and [3,4]; [5,6] undone
    assert Finding.unscoped.filter(rule_code=services.MISSED_DEADLINE).count() == 4
    run = BatchRun.objects.get(kind="deadline_overdue")
    assert (run.status, run.done, run.total) == (BatchStatus.FAILED, 4, 7)

    monkeypatch.setattr(services, "_missed_finding", real)
    assert len(services.deadlines_mark_overdue(today=day_after)) == 3
    assert Deadline.unscoped.filter(status=DeadlineStatus.OVERDUE).count() == 7
    assert Finding.unscoped.filter(rule_code=services.MISSED_DEADLINE).count() == 7
    run.refresh_from_db()
    assert (run.status, run.done, run.attempts) == (BatchStatus.FINISHED, 7, 2)


@pytest.mark.django_db
def test_the_reminder_sweep_reads_only_what_it_has_not_reminded_of(
    seven_missed, django_assert_max_num_queries
):
    due = seven_missed[0].due_on
    assert services.reminders_due(today=due).count() == 7
    assert len(services.deadline_reminders_send(today=due)) == 7
    assert services.reminders_due(today=due).count() == 0
    # The next day's sweep reads nothing of them, whatever their number: no per-deadline query.
    with django_assert_max_num_queries(8):
        assert services.deadline_reminders_send(today=due) == []
    services.deadlines_mark_overdue(today=due + datetime.timedelta(days=1))
    assert services.reminders_due(today=due + datetime.timedelta(days=1)).count() == 7
    assert len(services.deadline_reminders_send(today=due + datetime.timedelta(days=1))) == 7
    assert services.reminders_due(today=due + datetime.timedelta(days=2)).count() == 0
    assert Notification.objects.filter(kind="overdue").count() == 7
