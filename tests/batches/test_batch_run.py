"""batch_run (issue 11 item 5): chunks of `chunk` items, fewer once they took `max_seconds`
(a clock stands in for time), progress recorded with each chunk, a failure keeps the chunks
before it and the next start resumes after them."""

import pytest
from django.utils import timezone

from apps.batches import services
from apps.batches.models import BatchRun, BatchStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    now = timezone.now()
    for n in range(7):
        BatchRun.objects.create(
            kind="item", key=str(n), status=BatchStatus.FINISHED, started_at=now, updated_at=now
        )
    return BatchRun.objects.filter(kind="item")


class Clock:
    """Each item's work takes `step` seconds."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def monotonic(self):
        return self.now


def test_chunks_are_cut_by_count_and_by_time(items, monkeypatch):
    clock = Clock(step=0.2)
    monkeypatch.setattr(services.time, "monotonic", clock.monotonic)

    def work(item):
        clock.now += clock.step

    advances = []
    real_advance = services.batch_advance

    def advance(run, *, done, cursor):
        advances.append(done)
        real_advance(run, done=done, cursor=cursor)

    monkeypatch.setattr(services, "batch_advance", advance)
    run = services.batch_run(kind="test", key="1", items=items, work=work, chunk=5, max_seconds=0.5)
    # 0.2 s per item: the third item reaches 0.5 s, so chunks of 3, 3 and the last 1.
    assert advances == [3, 3, 1]
    assert (run.status, run.done, run.total) == (BatchStatus.FINISHED, 7, 7)
    advances.clear()
    clock.step = 0.0
    services.batch_run(kind="test", key="2", items=items, work=work, chunk=5)
    assert advances == [5, 2]  # fast items: by count


def test_a_failure_keeps_the_chunks_before_it_and_the_next_start_resumes(items):
    done = []

    def failing(item):
        if item.key == "4":
            raise ValueError("item 5 broke")
        done.append(item.key)

    with pytest.raises(ValueError):
        services.batch_run(kind="test", key="k", items=items, work=failing, chunk=2)
    run = services.batch_progress(kind="test", key="k")
    assert (run.status, run.done) == (BatchStatus.FAILED, 4)
    assert "item 5 broke" in run.error
    resumed = []
    run = services.batch_run(
        kind="test", key="k", items=items, work=lambda i: resumed.append(i.key), chunk=2
    )
    assert resumed == ["4", "5", "6"]
    assert (run.status, run.done, run.attempts, run.pk) == (
        BatchStatus.FINISHED,
        7,
        2,
        services.batch_progress(kind="test", key="k").pk,
    )
