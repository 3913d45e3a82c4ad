"""Closing a round in small transactions (issue 11 item 5): the results are written a chunk of
applications per transaction, each chunk with one audit entry (row count and digest); a close
stopped midway leaves the round open and its results unseen, and the next close resumes and
gives the same results as a close never interrupted; the round's closing is one step with one
audit entry; the board shows how far the close has got."""

import pytest
from django.urls import reverse

from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction, AuditEntry
from apps.audit.services import json_safe
from apps.batches.models import BatchRun, BatchStatus
from apps.review import services
from apps.review.models import ExpertAssignment, ReviewResult, ReviewRound
from tests.factories import UserFactory
from tests.review.world import BEST, review_world

pytestmark = pytest.mark.django_db

FIELDS = ("application_id", "expert_count", "base_score", "bonus", "final_score", "rank")


def _scored_world(n=5):
    world = review_world(applications=n, experts=1)
    for assignment in ExpertAssignment.unscoped.filter(round__call=world.call):
        services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={},
            vetoes={},
            submit=True,
        )
    return world, world.call.review_round


def _results(review_round):
    return [
        (*(getattr(r, f) for f in FIELDS), r.proposed, r.first_level)
        for r in ReviewResult.unscoped.filter(round=review_round).order_by("application_id")
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CLOSE_CHUNK", 2)
    monkeypatch.setattr("apps.batches.services.CHUNK_SECONDS", 3600)
    monkeypatch.setattr("apps.batches.services.SQLITE_CHUNK_SECONDS", 3600)


def _result_entries(review_round):
    return AuditEntry.unscoped.filter(object_type="review.ReviewResult").order_by("pk")


def test_a_close_written_in_chunks_has_one_entry_per_chunk_and_one_closing_step(small_chunks):
    world, review_round = _scored_world(5)
    ranked = services.review_round_close(user=world.office, review_round=review_round)
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5]
    entries = list(_result_entries(review_round))
    # Chunks of 2, 2 and 1 applications: one entry each, none per row.
    assert [e.after["rows"] for e in entries] == [2, 2, 1]
    assert all(e.action == AuditAction.CREATE and e.object_id == "" for e in entries)
    written = sorted(ReviewResult.unscoped.filter(round=review_round), key=lambda r: r.pk)
    assert [i for e in entries for i in e.after["ids"]] == [str(r.pk) for r in written]
    rows = list(
        ReviewResult.unscoped.filter(pk__in=[r.pk for r in written[:2]])
        .order_by("pk")
        .values("pk", *services.RESULT_AUDITED)
    )
    assert entries[0].after["digest"] == rows_digest(json_safe(rows))
    closing = AuditEntry.unscoped.filter(
        object_type="review.ReviewRound", object_id=str(review_round.pk)
    )
    assert [(e.action, e.after["status"]) for e in closing.filter(action="transition")] == [
        (AuditAction.TRANSITION, "closed")
    ]
    run = services.review_close_progress(review_round=review_round)
    assert (run.status, run.done, run.total) == (BatchStatus.FINISHED, 5, 5)


def test_a_crash_midway_then_a_rerun_gives_the_results_of_an_uninterrupted_close(
    small_chunks, monkeypatch
):
    world, review_round = _scored_world(5)
    real_write = services._results_write
    calls = []

    def crashing(review_round, results):
        calls.append(len(results))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        real_write(review_round, results)

    monkeypatch.setattr(services, "_results_write", crashing)
    with pytest.raises(RuntimeError, match="worker killed"):
        services.review_round_close(user=world.office, review_round=review_round)
    review_round.refresh_from_db()
    assert review_round.status == "scoring"  # not closed: its results are not shown
    assert ReviewResult.unscoped.filter(round=review_round).count() == 2
    applicant = UserFactory(role="applicant", organisation=world.applications[0].applicant)
    assert not ReviewResult.objects.for_user(applicant).exists()
    run = BatchRun.objects.get(kind=services.CLOSE_KIND)
    assert (run.status, run.done, run.total) == (BatchStatus.FAILED, 2, 5)
    assert "worker killed" in run.error

    monkeypatch.setattr(services, "_results_write", real_write)
    ranked = services.review_round_close(user=world.office, review_round=review_round)
    assert len(ranked) == 5
    run.refresh_from_db()
    assert (run.status, run.done, run.attempts) == (BatchStatus.FINISHED, 5, 2)
    resumed = _results(review_round)
    assert [e.after["rows"] for e in _result_entries(review_round)] == [2, 2, 1]
    assert (
        AuditEntry.unscoped.filter(
            object_type="review.ReviewRound", action=AuditAction.TRANSITION
        ).count()
        == 1
    )

    # The same round closed again without interruption gives the very same results.
    ReviewResult.unscoped.filter(round=review_round).delete()
    ReviewRound.unscoped.filter(pk=review_round.pk).update(status="scoring", closed_at=None)
    review_round.refresh_from_db()
    services.review_round_close(user=world.office, review_round=review_round)
    assert _results(review_round) == resumed
    assert [r[5] for r in resumed] == [1, 2, 3, 4, 5]


def test_results_left_by_a_close_whose_closing_step_failed_are_computed_again(small_chunks):
    world, review_round = _scored_world(3)
    services.review_round_close(user=world.office, review_round=review_round)
    before = _results(review_round)
    old_pks = set(ReviewResult.unscoped.filter(round=review_round).values_list("pk", flat=True))
    # The writing finished but the round was not closed (the step was refused, say).
    ReviewRound.unscoped.filter(pk=review_round.pk).update(status="scoring", closed_at=None)
    review_round.refresh_from_db()
    services.review_round_close(user=world.office, review_round=review_round)
    assert _results(review_round) == before
    new_pks = set(ReviewResult.unscoped.filter(round=review_round).values_list("pk", flat=True))
    assert len(new_pks) == 3 and not new_pks & old_pks


def test_the_board_shows_the_progress_of_the_close(client, small_chunks, monkeypatch):
    world, review_round = _scored_world(3)
    monkeypatch.setattr(
        services, "_results_write", lambda *a: (_ for _ in ()).throw(RuntimeError("killed"))
    )
    with pytest.raises(RuntimeError):
        services.review_round_close(user=world.office, review_round=review_round)
    client.force_login(world.office)
    board = client.get(reverse("review:round", args=[world.call.pk])).content.decode()
    assert 'data-testid="close-progress"' in board
    assert "RuntimeError: killed" in board  # stopped: the next close resumes it
    run = BatchRun.objects.get(kind=services.CLOSE_KIND)
    # While a close runs, the board's partial asks again for its figures.
    BatchRun.objects.filter(pk=run.pk).update(status=BatchStatus.RUNNING, done=2, total=3)
    board = client.get(reverse("review:round", args=[world.call.pk])).content.decode()
    assert f'hx-get="{reverse("progress:batch", args=[run.pk])}"' in board
    partial = client.get(reverse("progress:batch", args=[run.pk])).content.decode()
    assert 'data-polling="1"' in partial and "66" in partial


def test_a_close_going_on_refuses_a_second_and_one_stopped_by_a_crash_is_resumed(small_chunks):
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone, translation

    world, review_round = _scored_world(3)
    now = timezone.now()
    run = BatchRun.objects.create(
        kind=services.CLOSE_KIND, key=str(review_round.pk), started_at=now, updated_at=now
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.review_round_close(user=world.office, review_round=review_round)
    assert "being closed now" in str(refused.value)
    # Its progress has not moved for minutes: the process was killed; the next close resumes.
    BatchRun.objects.filter(pk=run.pk).update(updated_at=now - datetime.timedelta(minutes=5))
    assert len(services.review_round_close(user=world.office, review_round=review_round)) == 3
    run.refresh_from_db()
    assert (run.status, run.attempts, run.done) == (BatchStatus.FINISHED, 2, 3)
