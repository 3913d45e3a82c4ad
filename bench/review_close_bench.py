"""Review close and roster import benchmark (issue 11 item 5): how long each holds a lock.

A round of N applications, each scored by 3 experts (the first application's sheets submitted
through `score_sheet_save`, the others' copied from them row for row), is closed through
`review_round_close`, and a roster of R trainees (an Excel file through `roster_preview`) is
imported through `roster_confirm`, each while another thread saves one row (an organisation
renamed, audited) every 0.2 s. Printed for each: its time, its chunk transactions (count,
longest — the longest a concurrent writer can wait on it) and the saves' worst and median wait.

    .venv/bin/python bench/review_close_bench.py --n 300 --roster 2000         # SQLite (temp)
    DATABASE_URL=postgres://postgres@127.0.0.1:54330/wipp_review_bench \\
        .venv/bin/python bench/review_close_bench.py --n 300 --roster 2000     # PostgreSQL

The database must be empty (PostgreSQL: create it first); the schema is built from the models.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class TimedTransactions:
    """Stands in for `django.db.transaction` in apps.batches.services: records how long each
    of its transactions (a chunk, with its commit) took."""

    def __init__(self):
        from django.db import transaction

        self.real = transaction
        self.seconds = []

    def get_connection(self, *args, **kwargs):
        return self.real.get_connection(*args, **kwargs)

    def atomic(self, *args, **kwargs):
        real, seconds = self.real.atomic(*args, **kwargs), self.seconds

        class Timed:
            def __enter__(self):
                self.started = time.perf_counter()
                return real.__enter__()

            def __exit__(self, *exc):
                result = real.__exit__(*exc)
                seconds.append(time.perf_counter() - self.started)
                return result

        return Timed()


def round_of(n: int):
    """A round of `n` applications × 3 experts, every sheet submitted."""
    from apps.applications.models import Application
    from apps.review import services
    from apps.review.models import AssignmentStatus, ExpertAssignment, ItemScore
    from tests.review.world import BEST, review_world

    world = review_world(applications=1, experts=3)
    review_round = world.call.review_round
    for assignment in ExpertAssignment.unscoped.filter(round=review_round):
        services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={},
            vetoes={},
            submit=True,
        )
    sheets = list(ExpertAssignment.unscoped.filter(round=review_round).prefetch_related("scores"))
    template = Application.unscoped.get(pk=world.applications[0].pk)
    for i in range(1, n):
        clone = Application.unscoped.get(pk=template.pk)
        clone.pk = clone.id = None
        clone.number = f"{template.number[:30]}-{i:05d}"
        clone.save()
        for sheet in sheets:
            copy = ExpertAssignment.unscoped.create(
                round=review_round,
                application=clone,
                expert=sheet.expert,
                status=AssignmentStatus.SUBMITTED,
                submitted_at=sheet.submitted_at,
            )
            ItemScore.objects.bulk_create(
                [
                    ItemScore(
                        assignment=copy,
                        item_code=s.item_code,
                        level_code=s.level_code,
                        score=s.score,
                        computed_score=s.computed_score,
                        override_reason=s.override_reason,
                        comment=s.comment,
                    )
                    for s in sheet.scores.all()
                ]
            )
    return world, review_round


def roster_file(n: int):
    """An Excel roster of `n` distinct, valid trainees."""
    import datetime
    import io

    from django.core.files.base import ContentFile
    from openpyxl import Workbook

    from apps.core.validators import make_resident_id
    from tests.training.test_services import CODE

    names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证", "性别", "出生日期", "手机", "单位", "信用代码", "岗位"])
    start = datetime.date(1970, 1, 1)
    for i in range(n):
        birth = start + datetime.timedelta(days=i // 400)
        resident_id = make_resident_id("130102", birth, 1 + i % 400)
        name = names[i % 16] + names[(i // 16) % 16] + names[(i // 256) % 16]
        sheet.append([name, resident_id, "", "", "13800138000", "城建集团", CODE, "架子工"])
    buffer = io.BytesIO()
    book.save(buffer)
    return ContentFile(buffer.getvalue(), name="roster.xlsx")


def measured(label: str, organisation, fn):
    """Runs `fn` while a thread saves one row every 0.2 s; prints the figures."""
    from django.db import connection, transaction

    from apps.batches import services as batches
    from apps.core.context import ActorContext, acting_as

    waits, stop = [], threading.Event()

    def saver():
        i = 0
        with acting_as(ActorContext(username="bench-saver", via="web")):
            while not stop.is_set():
                i += 1
                started = time.perf_counter()
                with transaction.atomic():
                    organisation.name = f"并发保存单位{i}"
                    organisation.save()
                waits.append(time.perf_counter() - started)
                stop.wait(max(0.0, 0.2 - (time.perf_counter() - started)))
        connection.close()

    timed = TimedTransactions()
    batches.transaction = timed
    thread = threading.Thread(target=saver)
    thread.start()
    try:
        with acting_as(ActorContext(username="bench-user", via="web")):
            started = time.perf_counter()
            done = fn()
            seconds = time.perf_counter() - started
    finally:
        stop.set()
        thread.join()
        batches.transaction = timed.real
    chunks = timed.seconds[1:]  # the first is the run's start
    print(
        f"{label}: {done:,} in {seconds:.1f} s; {len(chunks)} chunk transactions, longest "
        f"{max(chunks):.3f} s, median {statistics.median(chunks):.3f} s; concurrent saves every "
        f"0.2 s: {len(waits)}, worst wait {max(waits):.3f} s, "
        f"median {statistics.median(waits):.3f} s"
    )


def main(argv=None) -> int:
    from bench.province_bench import setup

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="applications in the round")
    parser.add_argument("--roster", type=int, default=2000, help="trainees in the roster")
    args = parser.parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="wipp-review-bench-"))
    setup(os.environ.get("DATABASE_URL"), work_dir)

    from django.db import connection

    from apps.core.context import ActorContext, acting_as
    from apps.review import services
    from apps.training import services as training
    from tests.training.world import build_world

    with acting_as(ActorContext(username="bench-setup", via="system")):
        started = time.perf_counter()
        world, review_round = round_of(args.n)
        print(
            f"{connection.vendor}: a round of {args.n:,} applications × 3 sheets built in "
            f"{time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs"
        )
        city, _other = build_world()
        preview = training.roster_preview(
            user=city.agency,
            training_class=city.training_class,
            uploaded_file=roster_file(args.roster),
        )
        assert not any(c.errors for c in training.roster_import_checks(preview))
    measured(
        "review close",
        world.office.organisation,
        lambda: len(services.review_round_close(user=world.office, review_round=review_round)),
    )
    measured(
        "roster import",
        world.office.organisation,
        lambda: len(training.roster_confirm(user=city.agency, roster_import=preview)),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
