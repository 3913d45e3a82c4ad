"""A screening run commits in small chunks with its progress and resumes after a crash
(issue 11 item 5): the chunks before the failing item stay done, the rerun computes the rest
and nothing twice."""

import pytest
from django.db import connection

from apps.audit.models import AuditEntry
from apps.batches.models import BatchRun, BatchStatus
from apps.screening import runs
from apps.screening.models import IndicatorVerdict, PreliminaryReview
from apps.screening.services import screening_run
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory


@pytest.fixture
def call_of_five():
    call = CallFactory()
    applications = [submitted_application(call)[0] for _ in range(5)]
    return call, sorted(applications, key=lambda a: a.pk)


def _computed_ids(call):
    return set(
        PreliminaryReview.unscoped.filter(
            application__call=call, verdicts__isnull=False
        ).values_list("application_id", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_a_crash_at_the_fourth_application_keeps_the_first_chunks_and_the_rerun_does_the_rest(
    call_of_five, monkeypatch
):
    call, applications = call_of_five
    fourth = applications[3]
    computed_calls = []
    real = runs.screening_checks_compute

    def failing(application, pairs, own_text):
        computed_calls.append(application.pk)
        if application.pk == fourth.pk:
            raise RuntimeError("worker killed")
        return real(application, pairs, own_text)

    monkeypatch.setattr(runs, "screening_checks_compute", failing)
    monkeypatch.setattr("apps.batches.services.CHUNK_SECONDS", 3600)  # chunks by count only
    monkeypatch.setattr("apps.batches.services.SQLITE_CHUNK_SECONDS", 3600)
    with pytest.raises(RuntimeError, match="worker killed"):
        runs.screening_run(call=call, chunk=2)
    assert not connection.in_atomic_block
    # Chunks [1, 2] committed; chunk [3, 4] rolled back with the failure; 5 never started.
    assert _computed_ids(call) == {applications[0].pk, applications[1].pk}
    run = runs.screening_run_progress(call=call)
    assert run.status == BatchStatus.FAILED and "worker killed" in run.error
    assert (run.done, run.total, run.cursor) == (2, 5, applications[1].pk)

    monkeypatch.setattr(runs, "screening_checks_compute", real)
    assert screening_run(call=call) == 3  # the third, fourth and fifth only
    assert _computed_ids(call) == {a.pk for a in applications}
    assert IndicatorVerdict.objects.filter(review__application__call=call).count() == 5 * 4
    run = runs.screening_run_progress(call=call)
    assert run.status == BatchStatus.FINISHED and run.attempts == 2
    assert (run.done, run.total, run.percent) == (5, 5, 100)
    assert BatchRun.objects.filter(kind="screening").count() == 1
    entry = AuditEntry.unscoped.filter(object_type="calls.AnnualCall").latest("id")
    assert entry.message.startswith("screening run: 3 applications")
    assert "attempt 2" in entry.message


@pytest.mark.django_db
def test_a_new_run_after_a_finished_one_computes_everything_again(call_of_five):
    call, _applications = call_of_five
    assert screening_run(call=call) == 5
    assert screening_run(call=call) == 5
    assert BatchRun.objects.filter(kind="screening", status=BatchStatus.FINISHED).count() == 2
