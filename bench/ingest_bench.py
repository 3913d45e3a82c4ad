"""Ingest benchmark of online learning records (issue 14 benchmarks).

Ingests N learning records (default 1,000,000) in batches of 1,000 through the API path —
the service the API view calls, `apps.online.services.learning_records_ingest`: row checks,
trainee look-up by blind index, counted seconds under the supervision parameters, batch
digest and idempotency checks, the insert (COPY on PostgreSQL, executemany on SQLite) and the
batch's one audit entry, one transaction per batch — and, interleaved batch by batch in the
same run, the same rows inserted raw into the same table (psycopg COPY on PostgreSQL, sqlite3
executemany on SQLite, one transaction per batch, rows prepared beforehand). Prints rows/s of
both, their ratio (target ≥ 0.3) and the audit entries written (one per batch). With
`--view-batches K` it also pushes K extra batches through the real view with Django's test
client and an API key (JSON, authentication, throttling included) and prints that rate.

    .venv/bin/python bench/ingest_bench.py --n 100000                       # SQLite (temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:54330/wipp_bench \\
        .venv/bin/python bench/ingest_bench.py --n 100000                   # PostgreSQL

The database must be empty (a fresh SQLite file is made when DATABASE_URL is unset; for
PostgreSQL create one, e.g. `createdb wipp_bench`): the schema is built from the models.
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup(database_url: str | None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wipp.settings")
    os.environ.setdefault("WIPP_DEBUG", "1")
    if not database_url:
        path = Path(tempfile.mkdtemp(prefix="wipp-ingest-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    # The schema from the models (as the tests' --nomigrations): other work in progress may
    # have models ahead of their migrations.
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    settings.WIPP_ONLINE_THROTTLE_RATE = "1000000/min"
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", run_syncdb=True, verbosity=0)


def world(trainees: int):
    """A city project being implemented, its online platform (with an API key), a second
    platform organisation for the raw rows, and `trainees` trainees on the roster."""
    from apps.accounts.models import ApiClient, ComplianceDocument
    from apps.accounts.roles import Role
    from apps.core.crypto import blind_index
    from apps.core.validators import make_resident_id
    from apps.projects.models import ParticipantRole, ProjectStage
    from apps.training.models import Trainee, TrainingClass
    from tests.factories import (
        CityFactory,
        OrganisationFactory,
        ParticipantFactory,
        ProjectFactory,
        ProvinceFactory,
        UserFactory,
    )

    province = ProvinceFactory()
    city = CityFactory(parent=province, code="139901", name="基准市")
    project = ProjectFactory(jurisdiction=city, stage=ProjectStage.IMPLEMENTATION)
    platform = UserFactory(
        role=Role.ONLINE_PLATFORM,
        organisation=OrganisationFactory(kind="online_platform", jurisdiction=city),
    )
    ParticipantFactory(
        project=project, role=ParticipantRole.ONLINE_PLATFORM, organisation=platform.organisation
    )
    ComplianceDocument.unscoped.create(
        organisation=platform.organisation, kind="confidentiality", status="approved"
    )
    raw_platform = OrganisationFactory(kind="online_platform", jurisdiction=city)
    from apps.accounts.api.authentication import hash_api_secret

    ApiClient.objects.create(
        name="bench", service_user=platform, key_prefix="benchkey", key_hash=hash_api_secret("s")
    )
    training_class = TrainingClass.unscoped.create(
        project=project, name="线上班", created_by=platform
    )
    people = []
    for n in range(trainees):
        resident_id = make_resident_id(
            "130102", datetime.date(1980, 1, 1) + datetime.timedelta(days=n % 7000), n % 999 + 1
        )
        people.append(
            Trainee(
                project=project,
                training_class=training_class,
                name=f"学员{n}",
                resident_id=resident_id,
                resident_id_index=blind_index(resident_id),
                sex="M" if int(resident_id[16]) % 2 else "F",
                birth_date=datetime.date(
                    int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14])
                ),
                year=project.year,
            )
        )
    unique = {t.resident_id_index: t for t in people}
    Trainee.unscoped.bulk_create(list(unique.values()), batch_size=2000)
    ids = dict(Trainee.unscoped.filter(project=project).values_list("resident_id_index", "pk"))
    roster = [(t.resident_id, ids[t.resident_id_index]) for t in unique.values()]
    return project, platform, raw_platform, roster


T0 = datetime.datetime(2027, 5, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def rows_for(batch: int, size: int, roster, prefix="R") -> list[dict]:
    rows = []
    for k in range(size):
        i = batch * size + k
        resident_id, _pk = roster[i % len(roster)]
        start = T0 + datetime.timedelta(minutes=i % 100_000)
        rows.append(
            {
                "platform_record_id": f"{prefix}{i}",
                "resident_id": resident_id,
                "course": "安全生产法律法规",
                "lesson": f"第{i % 40 + 1}讲",
                "started_at": start.isoformat(),
                "ended_at": (start + datetime.timedelta(minutes=45)).isoformat(),
                "seconds_watched": 2400,
                "captures": 4 if i % 10 else 2,
                "fast_forwarded": i % 50 == 0,
                "idle_seconds": (i % 7) * 100,
            }
        )
    return rows


def raw_tuples(rows, *, project, platform_id, batch_id, by_resident, params, vendor):
    """The rows as the table stores them (what the raw baseline inserts)."""
    now = datetime.datetime.now(datetime.UTC)

    def when(value):
        parsed = datetime.datetime.fromisoformat(value).astimezone(datetime.UTC)
        return parsed.replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else parsed

    out = []
    for row in rows:
        started = datetime.datetime.fromisoformat(row["started_at"])
        ended = datetime.datetime.fromisoformat(row["ended_at"])
        counted, reasons = params.counted_seconds(
            seconds_watched=row["seconds_watched"],
            wall_seconds=int((ended - started).total_seconds()),
            captures=row["captures"],
            fast_forwarded=row["fast_forwarded"],
            idle_seconds=row["idle_seconds"],
        )
        out.append(
            (
                project.pk,
                by_resident[row["resident_id"]],
                platform_id,
                batch_id,
                "raw-" + row["platform_record_id"],
                row["course"],
                row["lesson"],
                when(row["started_at"]),
                when(row["ended_at"]),
                row["seconds_watched"],
                row["captures"],
                row["fast_forwarded"],
                row["idle_seconds"],
                counted,
                ",".join(reasons),
                now.replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else now,
            )
        )
    return out


def raw_insert(connection, tuples) -> None:
    from apps.online.models import LearningRecord
    from apps.online.services import LEARNING_COLUMNS

    table = LearningRecord._meta.db_table
    names = ", ".join(f'"{c}"' for c in LEARNING_COLUMNS)
    raw = connection.connection  # the DB-API connection under Django's
    if connection.vendor == "postgresql":
        with (
            raw.transaction(),
            raw.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            for row in tuples:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(LEARNING_COLUMNS))
        # Django keeps sqlite3 in autocommit (isolation_level None): one explicit transaction.
        raw.execute("BEGIN IMMEDIATE")
        try:
            raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', tuples)
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="learning records to ingest")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--trainees", type=int, default=20_000)
    parser.add_argument("--view-batches", type=int, default=20)
    args = parser.parse_args(argv)
    setup(os.environ.get("DATABASE_URL"))

    from django.db import connection
    from django.test import Client

    from apps.audit.models import AuditEntry
    from apps.core.context import actor_for_user, bind_actor
    from apps.online.models import IngestBatch, LearningRecord
    from apps.online.services import learning_records_ingest
    from apps.online.supervision import supervision_parameters

    project, platform, raw_platform, roster = world(args.trainees)
    by_resident = dict(roster)
    params = supervision_parameters(project=project)
    bind_actor(actor_for_user(platform, via="api"))
    # The raw rows need a batch row to point at (one, made outside the timing).
    raw_batch = IngestBatch(
        project=project,
        platform=raw_platform,
        kind="learning",
        digest="raw",
        rows=0,
        created=0,
        response={},
        received_at=T0,
    )
    IngestBatch.unscoped.bulk_create([raw_batch])
    raw_batch = IngestBatch.unscoped.get(digest="raw")
    audit_before = AuditEntry.unscoped.filter(object_type="online.LearningRecord").count()

    batches = (args.n + args.batch - 1) // args.batch
    api_seconds = raw_seconds = 0.0
    done = 0
    print(
        f"{connection.vendor}: {args.n:,} learning records in batches of {args.batch:,}, "
        f"{len(roster):,} trainees"
    )
    for b in range(batches):
        size = min(args.batch, args.n - b * args.batch)
        rows = rows_for(b, size, roster)
        tuples = raw_tuples(
            rows,
            project=project,
            platform_id=raw_platform.pk,
            batch_id=raw_batch.pk,
            by_resident=by_resident,
            params=params,
            vendor=connection.vendor,
        )
        started = time.perf_counter()
        raw_insert(connection, tuples)
        raw_seconds += time.perf_counter() - started

        started = time.perf_counter()
        answer = learning_records_ingest(user=platform, project=project, rows=rows)
        api_seconds += time.perf_counter() - started
        assert answer.body["created"] == size, answer.body
        done += size
        if (b + 1) % max(1, batches // 10) == 0:
            api, raw = done / api_seconds, done / raw_seconds
            print(f"  {done:,} rows: api {api:,.0f}/s, raw {raw:,.0f}/s")

    audit_entries = (
        AuditEntry.unscoped.filter(object_type="online.LearningRecord").count() - audit_before
    )
    api_rate, raw_rate = args.n / api_seconds, args.n / raw_seconds
    raw_name = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(f"API path (service):  {api_rate:12,.0f} rows/s  ({api_seconds:.1f} s)")
    print(f"raw {raw_name:<15} {raw_rate:12,.0f} rows/s  ({raw_seconds:.1f} s)")
    print(f"ratio API/raw:       {api_rate / raw_rate:12.2f}  (target >= 0.30)")
    print(f"audit entries:       {audit_entries:12,}  for {batches:,} batches")
    stored = LearningRecord.unscoped.filter(platform=platform.organisation).count()
    assert stored == args.n, stored
    assert audit_entries == batches, audit_entries

    if args.view_batches:
        client = Client(HTTP_AUTHORIZATION="Api-Key benchkey.s")
        started = time.perf_counter()
        sent = 0
        for b in range(args.view_batches):
            rows = rows_for(b, args.batch, roster, prefix="V")
            response = client.post(
                "/api/v1/online/learning-records/batch/",
                data=json.dumps({"project": project.pk, "records": rows}),
                content_type="application/json",
            )
            assert response.status_code == 201, response.content[:300]
            sent += len(rows)
        seconds = time.perf_counter() - started
        print(
            f"through the view:    {sent / seconds:12,.0f} rows/s  "
            f"({args.view_batches} batches, test client: JSON, API key, throttle; "
            f"ratio to raw {sent / seconds / raw_rate:.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
