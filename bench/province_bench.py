"""Province benchmark (issue 11): one province's data, generated through the services, and the
figures that say whether the audit log and the batch work hold at that scale.

Data (× --scale): a province with 11 cities and their deadline rules, one province call with
2,000 applications (each created, filled in and submitted through apps.applications.services),
10,000 deadlines opened through `deadline_open` (5 rules × 2,000 applications, spread over the
cities, owned by the offices), and ≥ 1,000,000 audit entries: besides those the services wrote,
the rest are built by the audit writer's own `audit_entry_build` (actor, time, JSON values —
exactly what `audit_record` inserts) and inserted 5,000 per `bulk_create`, unchained, then
chained by the sequencer like any other entry.

Figures:
1. a concurrent single-row save (an organisation renamed, audited) every second while the
   screening run of the 2,000 applications and the sweep of the 10,000 deadlines run in two
   other threads: worst and median wait (target ≤ 1 s);
2. audited appends (`audit_record`, one transaction each) by 4 processes against 1: entries/s
   and the ratio (target ≥ 2×; on SQLite writers queue on the one write lock);
3. the province office's home page and /deadlines/ at 10 deadlines and at 10,000: the ratio
   (target ≤ 2×);
4. the sequencer over the bulk entries, then verification from the last verified checkpoint
   (the bulk entries) and in full: entries/s, and the size per entry.

    .venv/bin/python bench/province_bench.py --scale 0.1                      # SQLite (temp)
    DATABASE_URL=postgres://postgres@127.0.0.1:54330/wipp_province \\
        .venv/bin/python bench/province_bench.py --scale 0.1                  # PostgreSQL

The database must be empty (SQLite: a fresh file in a temporary directory; PostgreSQL: create
it first, e.g. `createdb -h 127.0.0.1 -p 54330 -U postgres wipp_province`); the schema is built
from the models.
"""

import argparse
import datetime
import multiprocessing
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

RULES = ("plan_submission", "plan_review", "supervision_plan_review", "agreement_and_advance")
RULES += ("balance_payment",)


def setup(database_url: str | None, work_dir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wipp.settings")
    os.environ.setdefault("WIPP_DEBUG", "1")
    os.environ["WIPP_AUDIT_CHECKPOINT_DIR"] = str(work_dir / "checkpoints")
    if not database_url:
        os.environ["DATABASE_URL"] = f"sqlite:///{work_dir / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log growing over a million inserts
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.db import connection

    from apps.audit.db_guard import install

    install(connection)  # the append-only trigger on PostgreSQL, as the migration installs it


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def world(scale: float):
    """The province, its 11 cities with rules, a province call, its office user."""
    from apps.accounts.roles import Role
    from apps.jurisdictions.services import deadline_rules_load
    from tests.calls.factories import CallFactory
    from tests.factories import CityFactory, ProvinceFactory, UserFactory

    province = ProvinceFactory(code="130000", name="河北省")
    cities = [
        CityFactory(parent=province, code=f"13{n:02d}00", name=f"基准{n}市") for n in range(1, 12)
    ]
    deadline_rules_load()
    call = CallFactory(
        jurisdiction=province,
        max_applications_per_applicant=1,
        budget_total="900000000.00",
    )
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=province)
    for city in cities:  # the cities' offices: the reminders of their deadlines go to them
        UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    return province, cities, call, office


def applications_submit(call, n: int) -> list:
    """`n` applications through the services (create, fill in, attach the sealed form,
    submit), each by its own applicant."""
    from tests.applications.builders import submitted_application

    return [submitted_application(call)[0] for _ in range(n)]


def deadlines_open(pairs, cities, *, starts_on) -> int:
    """One deadline per (rule, application) through `deadline_open`, spread over the cities,
    owned by the offices."""
    from apps.accounts.roles import Role
    from apps.deadlines.services import deadline_open

    for i, (rule, application) in enumerate(pairs):
        deadline_open(
            rule_code=rule,
            jurisdiction=cities[i % len(cities)],
            subject=application,
            starts_on=starts_on,
            owner_role=Role.OFFICE,
        )
    return len(pairs)


def page_seconds(client, url: str, repeat: int = 3) -> float:
    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def concurrent_saves(call, today, organisation) -> dict:
    """The screening run and the sweep in two threads; a third saves one row every second
    and records how long each save took (its wait for the database)."""
    from django.db import connection, transaction

    from apps.core.context import ActorContext, acting_as
    from apps.deadlines.services import deadline_reminders_send, deadlines_mark_overdue
    from apps.screening.services import screening_run

    waits, results, errors = [], {}, []
    stop = threading.Event()

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
                stop.wait(max(0.0, 1.0 - (time.perf_counter() - started)))
        connection.close()

    def job(name, fn):
        try:
            with acting_as(ActorContext(username=f"bench-{name}", via="task")):
                results[name] = timed(fn)
        except BaseException as error:  # reported, not swallowed
            errors.append((name, error))
        finally:
            connection.close()

    def sweep():
        overdue = deadlines_mark_overdue(today=today)
        reminders = deadline_reminders_send(today=today)
        return len(overdue), len(reminders)

    threads = [
        threading.Thread(target=job, args=("screening", lambda: screening_run(call=call))),
        threading.Thread(target=job, args=("sweep", sweep)),
    ]
    save_thread = threading.Thread(target=saver)
    save_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    save_thread.join()
    if errors:
        raise RuntimeError(f"batch failed: {errors}")
    return {"waits": waits, **results}


def _append_worker(n: int, barrier, queue):
    from django.db import connection, transaction

    from apps.audit.services import audit_record
    from apps.core.context import ActorContext, acting_as

    connection.close()
    barrier.wait()
    started, cpu = time.perf_counter(), time.process_time()
    in_transaction = 0.0
    with acting_as(ActorContext(username="bench-append", via="web")):
        for i in range(n):
            begun = time.perf_counter()
            with transaction.atomic():
                audit_record(
                    action="update",
                    object_type="bench.Row",
                    object_id=i,
                    jurisdiction_path="130000/130100",
                    after={"value": i},
                )
            in_transaction += time.perf_counter() - begun
    queue.put((time.perf_counter() - started, in_transaction, time.process_time() - cpu))
    connection.close()


def appends(total: int, processes: int) -> tuple[float, float, float]:
    """Entries/s of `total` audited appends shared by `processes` processes; the share of an
    append's time spent in its transaction (BEGIN to COMMIT) and on a CPU (the workers')."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(processes + 1), context.Queue()
    workers = [
        context.Process(target=_append_worker, args=(total // processes, barrier, queue))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    assert all(w.exitcode == 0 for w in workers), [w.exitcode for w in workers]
    times = [queue.get() for _ in workers]
    wall = sum(t[0] for t in times)
    rate = (total // processes) * processes / elapsed
    return rate, sum(t[1] for t in times) / wall, sum(t[2] for t in times) / wall


def bulk_entries(n: int, province_path: str, cities) -> float:
    """`n` entries built by the audit writer, inserted 5,000 per bulk_create (unchained)."""
    from django.db import transaction

    from apps.audit.models import AuditEntry
    from apps.audit.services import audit_entry_build
    from apps.core.context import ActorContext, acting_as

    started = time.perf_counter()
    with acting_as(ActorContext(username="bench-history", via="system")):
        for first in range(0, n, 5000):
            rows = [
                audit_entry_build(
                    action="update",
                    object_type="applications.Application",
                    object_id=i,
                    object_repr=f"申报 {i}",
                    jurisdiction_path=cities[i % len(cities)].path,
                    before={"status": "submitted"},
                    after={"status": "screening_passed"},
                )
                for i in range(first, min(n, first + 5000))
            ]
            with transaction.atomic():
                AuditEntry.unscoped.bulk_create(rows)
    return time.perf_counter() - started


def verify(full: bool):
    from django.utils import timezone

    from apps.audit.models import AuditVerification
    from apps.audit.verification import audit_verification_run

    record = AuditVerification.objects.create(started_at=timezone.now(), full=full)
    record, seconds = timed(audit_verification_run, verification_id=record.pk, full=full)
    return record, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--entries", type=int, default=1_000_000, help="audit entries (× scale)")
    args = parser.parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="wipp-province-bench-"))
    setup(os.environ.get("DATABASE_URL"), work_dir)

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from apps.audit.models import AuditEntry
    from apps.audit.sequencer import audit_chain_pending
    from apps.core.context import ActorContext, acting_as
    from apps.deadlines.models import Deadline

    n_apps = max(10, round(2000 * args.scale))
    n_deadlines = max(20, round(10_000 * args.scale))
    n_entries = max(1000, round(args.entries * args.scale))
    n_appends = max(400, round(4000 * args.scale))
    today = timezone.localdate()
    starts_on = today - datetime.timedelta(days=40)
    print(
        f"{connection.vendor}, scale {args.scale}: {n_apps:,} applications, "
        f"{n_deadlines:,} deadlines, {n_entries:,} bulk audit entries; {os.cpu_count()} CPUs"
    )
    with acting_as(ActorContext(username="bench-setup", via="system")):
        province, cities, call, office = world(args.scale)
        started = time.perf_counter()
        applications = applications_submit(call, n_apps)
        print(f"  {n_apps:,} applications submitted in {time.perf_counter() - started:.0f} s")
        pairs = [(rule, application) for rule in RULES for application in applications]
        deadlines_open(pairs[:10], cities, starts_on=starts_on)
    client = Client()
    client.force_login(office)
    small = {url: page_seconds(client, url) for url in ("/", "/deadlines/")}
    with acting_as(ActorContext(username="bench-setup", via="system")):
        started = time.perf_counter()
        opened = 10 + deadlines_open(pairs[10:n_deadlines], cities, starts_on=starts_on)
        print(f"  {opened:,} deadlines opened in {time.perf_counter() - started:.0f} s")
    large = {url: page_seconds(client, url) for url in ("/", "/deadlines/")}
    print(f"3. province office pages at 10 and at {Deadline.unscoped.count():,} deadlines:")
    for url in small:
        print(
            f"   {url:<12} {small[url] * 1000:7.0f} ms → {large[url] * 1000:7.0f} ms "
            f"(× {large[url] / small[url]:.2f}, target ≤ 2)"
        )

    organisation = office.organisation
    concurrent = concurrent_saves(call, today, organisation)
    waits = concurrent["waits"]
    screened, screening_seconds = concurrent["screening"]
    (overdue, reminders), sweep_seconds = concurrent["sweep"]
    print(
        f"1. screening run ({screened:,} applications, {screening_seconds:.0f} s) and sweep "
        f"({overdue:,} overdue, {reminders:,} reminders, {sweep_seconds:.0f} s) at once: "
        f"{len(waits)} single-row saves, worst wait {max(waits):.3f} s, median "
        f"{statistics.median(waits):.3f} s (target ≤ 1 s)"
    )

    (one, in_transaction, on_cpu), (four, *_shares) = appends(n_appends, 1), appends(n_appends, 4)
    print(
        f"2. audited appends, {n_appends:,} entries: 1 process {one:,.0f}/s, 4 processes "
        f"{four:,.0f}/s (× {four / one:.2f}, target ≥ 2)"
    )
    if connection.vendor == "sqlite":
        # The bounds on any gain from more processes: SQLite's one write lock is held from
        # BEGIN IMMEDIATE to COMMIT, so all processes' transactions run one after the other;
        # and the database runs in the processes themselves, on the machine's CPUs.
        cpus = os.cpu_count() or 1
        print(
            f"   one process: {in_transaction:.0%} of an append in its transaction (under the "
            f"one write lock: at most × {1 / in_transaction:.2f} with any number of processes), "
            f"{on_cpu:.0%} on a CPU (at most × {cpus / on_cpu:.2f} on {cpus} CPUs)"
        )

    with acting_as(ActorContext(username="bench-setup", via="system")):
        chained, seconds = timed(audit_chain_pending, checkpoint=True)
        base, _seconds = verify(full=True)
        print(
            f"   {chained.chained:,} entries written by the services chained in {seconds:.1f} s; "
            f"full verification {base.entries_checked:,} ({base.result})"
        )
        insert_seconds = bulk_entries(n_entries, province.path, cities)
        run, chain_seconds = timed(audit_chain_pending, checkpoint=True)
        incremental, incremental_seconds = verify(full=False)
        full, full_seconds = verify(full=True)
    total = AuditEntry.unscoped.count()
    size = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s)", [AuditEntry._meta.db_table])
            size = f", table with indexes {cursor.fetchone()[0] / total:.0f} bytes/entry"
    print(
        f"4. {n_entries:,} entries inserted through the audit writer in {insert_seconds:.0f} s "
        f"({n_entries / insert_seconds:,.0f}/s); sequencer chained {run.chained:,} in "
        f"{chain_seconds:.0f} s ({run.chained / chain_seconds:,.0f}/s)"
    )
    print(
        f"   verification from the last checkpoint: {incremental.entries_checked:,} entries in "
        f"{incremental_seconds:.1f} s ({incremental.entries_checked / incremental_seconds:,.0f}/s,"
        f" {incremental.result}); in full: {full.entries_checked:,} in {full_seconds:.1f} s "
        f"({full.entries_checked / full_seconds:,.0f}/s, {full.result})"
    )
    print(
        f"   {total:,} entries; before/after size {full.average_entry_bytes} bytes/entry "
        f"on average{size}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
