"""Expert assignment in small transactions (issue 11 item 5): the plan is made first, the
assignments are written a few applications per transaction with progress; a crash midway keeps
the applications already given their experts and the next call gives the rest theirs, once."""

import pytest
from django.db import connection

from apps.batches.models import BatchRun, BatchStatus
from apps.review import services
from apps.review.models import ExpertAssignment
from tests.review.factories import experts, open_round, screened_call


@pytest.mark.django_db(transaction=True)
def test_a_crash_at_the_third_application_keeps_the_first_two_and_the_rerun_does_the_rest(
    monkeypatch,
):
    call, office, applications = screened_call(5)
    experts(3)
    review_round = open_round(call, office, per_application=2)
    third = sorted(a.pk for a in applications)[2]
    real_create = ExpertAssignment.objects.create

    def create(**values):
        if values["application"].pk == third:
            raise RuntimeError("worker killed")
        return real_create(**values)

    monkeypatch.setattr(services, "ASSIGN_CHUNK", 2)
    monkeypatch.setattr("apps.batches.services.CHUNK_SECONDS", 3600)
    monkeypatch.setattr("apps.batches.services.SQLITE_CHUNK_SECONDS", 3600)
    monkeypatch.setattr(ExpertAssignment.objects, "create", create)
    with pytest.raises(RuntimeError, match="worker killed"):
        services.experts_assign(user=office, review_round=review_round)
    assert not connection.in_atomic_block
    # Applications 1 and 2 (one chunk) have their two experts; 3 and 4 were rolled back.
    kept = ExpertAssignment.unscoped.filter(round=review_round)
    assert kept.count() == 4
    assert set(kept.values_list("application_id", flat=True)) == set(
        sorted(a.pk for a in applications)[:2]
    )
    run = BatchRun.objects.get(kind="expert_assignment")
    assert (run.status, run.done, run.total) == (BatchStatus.FAILED, 2, 5)

    monkeypatch.setattr(ExpertAssignment.objects, "create", real_create)
    added = services.experts_assign(user=office, review_round=review_round)
    assert len(added) == 6  # the three others, two experts each; nobody twice
    assert ExpertAssignment.unscoped.filter(round=review_round).count() == 10
    run.refresh_from_db()
    assert (run.status, run.attempts) == (BatchStatus.FINISHED, 2)
