"""API list benchmark (issue 16): requests per second of one list endpoint of the API against
a bare Django JSON view, in the same run.

The endpoint is `GET /api/v1/projects/` with an API key (`Authorization: Api-Key …`): key
look-up and its last-used stamp, per-client throttle, region scoping, the filter, ordering and
`updated_since` backends, numbered pages of 50 with the count, and the serializer (each
project with its applicant, key industry, jurisdiction and participants — one prefetch).
The baseline is a bare Django view under the same middleware that returns the same page with
the same content, read with `.values()` (three queries: count, projects with their joins,
participants) and written with `JsonResponse` — no authentication, scoping, throttle,
filters or serializer.
Both are called through Django's test client (no network), interleaved round by round so a
busy machine slows both alike. Prints requests/s of each and their ratio (target ≥ 0.3×).

    .venv/bin/python bench/api_bench.py                                  # SQLite (temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:54330/wipp_api_bench \\
        .venv/bin/python bench/api_bench.py                              # PostgreSQL

The database must be empty (a fresh SQLite file is made when DATABASE_URL is unset; for
PostgreSQL create one, e.g. `createdb wipp_api_bench`): the schema is built from the models.
"""

import argparse
import os
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGE = 50


def setup(database_url: str | None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wipp.settings")
    os.environ.setdefault("WIPP_DEBUG", "1")
    if not database_url:
        path = Path(tempfile.mkdtemp(prefix="wipp-api-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    # The schema from the models (other work in progress may have models ahead of their
    # migrations), as bench/ingest_bench.py does.
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log
    # The throttle still counts every request (cache read and write), it never refuses here.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "100000000/min"},
    }
    call_command("migrate", run_syncdb=True, verbosity=0)
    settings.ROOT_URLCONF = _bench_urls().__name__


def bare_projects(request):
    """The baseline: the same page of projects with the same content (applicant, key
    industry, jurisdiction code, participants), read with `.values()` and written with
    `JsonResponse` — no authentication, scoping, throttle, filters or serializer."""
    from django.http import JsonResponse

    from apps.projects.models import Project, ProjectParticipant

    projects = Project.unscoped.order_by("pk")
    rows = list(
        projects.values(
            "id",
            "code",
            "name",
            "year",
            "project_type",
            "stage",
            "budget_amount",
            "industry__name",
            "jurisdiction__code",
            "applicant__name",
        )[:PAGE]
    )
    by_project = {row["id"]: {**row, "participants": []} for row in rows}
    for participant in ProjectParticipant.objects.filter(project_id__in=by_project).values(
        "project_id", "role", "organisation__name", "person__full_name", "since"
    ):
        by_project[participant.pop("project_id")]["participants"].append(participant)
    return JsonResponse({"count": projects.count(), "results": list(by_project.values())})


def _bench_urls():
    from django.urls import include, path

    module = types.ModuleType("wipp_api_bench_urls")
    module.urlpatterns = [path("bench/bare/", bare_projects), path("", include("wipp.urls"))]
    sys.modules[module.__name__] = module
    return module


def world(projects: int) -> str:
    """A city with `projects` projects (each with two participants) and an office account
    with an API key; answers the key."""
    from apps.accounts.api.authentication import hash_api_secret
    from apps.accounts.models import ApiClient
    from apps.accounts.roles import Role
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
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    agency = OrganisationFactory(jurisdiction=city)
    for _ in range(projects):
        project = ProjectFactory(jurisdiction=city)
        ParticipantFactory(project=project, organisation=agency)
        ParticipantFactory(project=project, organisation=agency, role="evaluator")
    ApiClient.objects.create(
        name="bench", service_user=office, key_prefix="benchkey", key_hash=hash_api_secret("s")
    )
    return "benchkey.s"


def measure(client, url: str, count: int, **headers) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=40, help="per endpoint and round")
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL"))
    from django.db import connection
    from django.test import Client

    key = world(args.projects)
    api, bare = Client(), Client()
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    api_url, bare_url = "/api/v1/projects/", "/bench/bare/"
    body = api.get(api_url, **auth).json()
    assert len(body["results"]) == PAGE and body["count"] == args.projects, body.get("count")
    measure(api, api_url, 5, **auth)  # warm up both
    measure(bare, bare_url, 5)
    api_seconds = bare_seconds = 0.0
    for _ in range(args.rounds):
        api_seconds += measure(api, api_url, args.requests, **auth)
        bare_seconds += measure(bare, bare_url, args.requests)
    total = args.rounds * args.requests
    api_rps, bare_rps = total / api_seconds, total / bare_seconds
    print(f"database: {connection.vendor}; {args.projects} projects, pages of {PAGE}")
    print(f"API  GET {api_url} (API key, scoped, serialized): {api_rps:8.1f} requests/s")
    print(f"bare GET {bare_url} (JsonResponse of .values()): {bare_rps:8.1f} requests/s")
    print(f"ratio: {api_rps / bare_rps:.2f}× (target ≥ 0.3×)")


if __name__ == "__main__":
    main()
