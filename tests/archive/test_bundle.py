"""The record's zip as a background task (issue 15 item 8): the office asks, a task of the
worker builds it into the default storage writing its progress per document, the page polls
the progress and then offers the download; one build at a time per project; a zip older than
the project's last change is stale and built again, the older one removed; only the office of
the project's own level builds and downloads it; on S3 the download is a pre-signed redirect."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from apps.archive import bundle as bundle_module
from apps.archive import selectors, services
from apps.archive.models import ArchiveBundle, BundleStatus
from apps.archive.tasks import archive_bundle_task
from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.evidence.models import EvidenceFile, EvidenceVersion
from apps.evidence.services import evidence_storage
from tests.archive.test_archive import _archived
from tests.factories import UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _page(client, project):
    return client.get(reverse("archive:project", args=[project.pk]))


def _request_from_page(client, project, capture):
    page = _page(client, project)
    with capture(execute=True):
        return form_submit(client, page, "form[data-testid=archive-bundle-form]")


def _run_as_worker(result_row):
    result_row.claim("test-worker")
    result_row.task.call(**result_row.args_kwargs["kwargs"])


def test_the_build_is_queued_for_the_worker_and_its_progress_shown(
    world, all_met, client, settings, django_capture_on_commit_callbacks
):
    a, _b, clock = world
    _archived(a, clock)
    settings.TASKS = DB_BACKEND
    client.force_login(a.office)
    _request_from_page(client, a.project, django_capture_on_commit_callbacks)
    bundle = ArchiveBundle.unscoped.get(project=a.project)
    assert bundle.status == BundleStatus.QUEUED and bundle.requested_by == a.office
    waiting = DBTaskResult.objects.get(task_path=archive_bundle_task.module_path)
    assert str(waiting.pk) == bundle.task_id
    # Nothing built in the request: the page polls the build's progress.
    page = _page(client, a.project).content.decode()
    assert 'data-testid="archive-bundle"' in page and 'data-polling="1"' in page
    assert 'data-testid="archive-download"' not in page
    assert 'data-testid="archive-bundle-form"' not in page  # one build at a time
    progress_url = reverse("archive:bundle_progress", args=[a.project.pk])
    assert progress_url in page
    assert not default_storage.exists(f"archive-bundles/{a.project.pk}")
    # The worker takes it; the progress is written per document, then the zip is ready.
    seen = []
    writer = services._progress_writer

    def recording_writer(bundle_id):
        write = writer(bundle_id)

        def progress(done, total):
            write(done, total)
            row = ArchiveBundle.unscoped.get(pk=bundle_id)
            seen.append((row.status, row.done, row.total))

        return progress

    services._progress_writer = recording_writer
    try:
        _run_as_worker(waiting)
    finally:
        services._progress_writer = writer
    documents = EvidenceVersion.objects.filter(evidence_file__project=a.project).count()
    total = documents + bundle_module.OTHER_PARTS
    assert documents >= 3
    assert [done for _s, done, _t in seen] == list(range(1, total + 1))
    assert {status for status, _d, _t in seen} == {"running"}
    assert {t for _s, _d, t in seen} == {total}
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.DONE and bundle.done == bundle.total == total
    with default_storage.open(bundle.storage_name, "rb") as stored:
        content = stored.read()
    assert len(content) == bundle.size
    assert hashlib.sha256(content).hexdigest() == bundle.sha256
    partial = client.get(progress_url).content.decode()
    assert 'data-finished="1"' in partial and 'data-polling="1"' not in partial
    assert 'data-testid="archive-download"' in partial
    response = client.get(reverse("archive:download", args=[a.project.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    entry = AuditEntry.unscoped.filter(action="download", project_id=a.project.pk).last()
    assert bundle.sha256 in entry.message


def test_while_no_worker_runs_the_page_says_so(
    world, all_met, client, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    a, _b, clock = world
    _archived(a, clock)
    settings.TASKS = DB_BACKEND
    settings.WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 300
    client.force_login(a.office)
    client.cookies["django_language"] = "en"
    _request_from_page(client, a.project, django_capture_on_commit_callbacks)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=5))
    partial = client.get(reverse("archive:bundle_progress", args=[a.project.pk]))
    assert "No task worker is running" in partial.content.decode()


def test_a_second_request_while_one_is_building_starts_no_second(
    world, all_met, client, settings, django_capture_on_commit_callbacks
):
    a, _b, clock = world
    _archived(a, clock)
    settings.TASKS = DB_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        first, started = services.archive_bundle_request(user=a.office, project=a.project)
    assert started
    with django_capture_on_commit_callbacks(execute=True):
        second, started_again = services.archive_bundle_request(user=a.office, project=a.project)
    assert second.pk == first.pk and not started_again
    client.force_login(a.office)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("archive:bundle_request", args=[a.project.pk]), follow=True)
    assert "already being built" in response.content.decode()
    assert ArchiveBundle.unscoped.filter(project=a.project).count() == 1
    assert DBTaskResult.objects.filter(task_path=archive_bundle_task.module_path).count() == 1
    # Running (claimed by the worker) counts the same.
    ArchiveBundle.unscoped.filter(pk=first.pk).update(status=BundleStatus.RUNNING)
    again, started = services.archive_bundle_request(user=a.office, project=a.project)
    assert again.pk == first.pk and not started
    # The database holds it too: a second active build of the project is refused.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ArchiveBundle.unscoped.create(
            jurisdiction=a.project.jurisdiction,
            project=a.project,
            requested_by=a.office,
            requested_at=first.requested_at,
        )
    # A build the worker already took is not built twice.
    assert services.archive_bundle_build(bundle_id=first.pk) is None


def test_a_zip_older_than_the_projects_last_change_is_stale_and_built_again(
    world, all_met, client, django_capture_on_commit_callbacks
):
    a, _b, clock = world
    _archived(a, clock)
    client.force_login(a.office)
    client.cookies["django_language"] = "en"
    _request_from_page(client, a.project, django_capture_on_commit_callbacks)
    first = ArchiveBundle.unscoped.get(project=a.project)
    assert first.status == BundleStatus.DONE
    assert not selectors.bundle_is_stale(first)
    # Downloads are reads: the zip stays current.
    client.get(reverse("archive:download", args=[a.project.pk]))
    assert not selectors.bundle_is_stale(first)
    page = _page(client, a.project).content.decode()
    assert 'data-testid="archive-bundle-stale"' not in page
    # A change of the record after the build (here an entry a correction would write).
    audit_record(
        action="update",
        object_type="projects.Project",
        object_id=a.project.pk,
        object_repr=str(a.project),
        jurisdiction_path=a.project.jurisdiction.path,
        project_id=a.project.pk,
        message="更正项目名称",
    )
    assert selectors.bundle_is_stale(first)
    page = _page(client, a.project).content.decode()
    assert 'data-testid="archive-bundle-stale"' in page and "Out of date" in page
    _request_from_page(client, a.project, django_capture_on_commit_callbacks)
    second = ArchiveBundle.unscoped.get(project=a.project)  # the older one is gone…
    assert second.pk != first.pk and second.status == BundleStatus.DONE
    assert not selectors.bundle_is_stale(second)
    assert not default_storage.exists(first.storage_name)  # …with its stored zip
    assert default_storage.exists(second.storage_name)
    archive = zipfile.ZipFile(default_storage.open(second.storage_name, "rb"))
    trail = json.loads(archive.read("audit/audit_trail.json"))
    assert "更正项目名称" in {e["message"] for e in trail}


def test_a_failed_build_is_shown_and_leaves_no_object(
    world, all_met, client, django_capture_on_commit_callbacks
):
    a, _b, clock = world
    application = _archived(a, clock)
    blob = EvidenceFile.unscoped.get(pk=application.form_document_id).current_version.blob
    storage = evidence_storage()
    storage.delete(blob.storage_name)
    storage.save(blob.storage_name, io.BytesIO(b"%PDF-1.4 changed"))
    client.force_login(a.office)
    _request_from_page(client, a.project, django_capture_on_commit_callbacks)
    bundle = ArchiveBundle.unscoped.get(project=a.project)
    assert bundle.status == BundleStatus.FAILED and "StoredFileChanged" in bundle.error
    assert bundle.storage_name == ""
    page = _page(client, a.project).content.decode()
    assert "StoredFileChanged" in page and 'data-testid="archive-bundle-form"' in page
    response = client.get(reverse("archive:download", args=[a.project.pk]))
    assert response.status_code == 302  # nothing to download: back to the page


def test_only_the_office_of_the_projects_level_builds_and_downloads(
    world, all_met, client, django_capture_on_commit_callbacks
):
    from apps.accounts.roles import Role

    a, b, clock = world
    _archived(a, clock)
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_bundle_request(user=a.office, project=a.project)
    province_office = UserFactory(
        role=Role.OFFICE, organisation__jurisdiction=a.project.jurisdiction.parent
    )
    routes = [
        ("get", reverse("archive:download", args=[a.project.pk])),
        ("get", reverse("archive:bundle_progress", args=[a.project.pk])),
        ("post", reverse("archive:bundle_request", args=[a.project.pk])),
    ]
    for user, status in (
        (b.office, 404),  # another city: not even seen
        (a.evaluator, 403),  # the archiving agency: not the office
        (a.member, 403),  # a member unit of the level
        (province_office, 403),  # the province sees the city's project, but is not its level
    ):
        client.force_login(user)
        for method, url in routes:
            assert getattr(client, method)(url).status_code == status, (user.role, url)
    for user in (a.evaluator, province_office):
        with pytest.raises(Exception) as refused:
            services.archive_bundle_request(user=user, project=a.project)
        assert type(refused.value).__name__ == "PermissionDenied"
    assert ArchiveBundle.unscoped.filter(project=a.project).count() == 1
    client.force_login(a.office)
    assert client.get(routes[0][1]).status_code == 200


def test_no_zip_before_the_archive(world, client):
    from tests.archive.test_archive import _accepted_and_paid

    a, _b, clock = world
    _accepted_and_paid(a, clock)
    client.force_login(a.office)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("archive:bundle_request", args=[a.project.pk]), follow=True)
    assert "once the project is archived" in response.content.decode()
    assert not ArchiveBundle.unscoped.exists()


@pytest.mark.s3
def test_on_s3_the_zip_is_stored_in_the_bucket_and_downloaded_by_a_signed_redirect(
    world, all_met, client, settings, moto_s3_server, s3_client, django_capture_on_commit_callbacks
):
    import uuid

    import requests

    from tests.evidence.conftest import S3_ENV

    bucket = f"wipp-media-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    a, _b, clock = world
    _archived(a, clock)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_s3_server,
                "access_key": S3_ENV["AWS_ACCESS_KEY_ID"],
                "secret_key": S3_ENV["AWS_SECRET_ACCESS_KEY"],
                "region_name": S3_ENV["AWS_DEFAULT_REGION"],
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
            },
        },
    }
    settings.WIPP_DOWNLOAD_S3_PRESIGNED_SECONDS = 120
    client.force_login(a.office)
    _request_from_page(client, a.project, django_capture_on_commit_callbacks)
    bundle = ArchiveBundle.unscoped.get(project=a.project)
    assert bundle.status == BundleStatus.DONE, bundle.error
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [bundle.storage_name]
    response = client.get(reverse("archive:download", args=[a.project.pk]))
    assert response.status_code == 302 and bucket in response["Location"]
    fetched = requests.get(response["Location"], timeout=10)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).hexdigest() == bundle.sha256
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(fetched.content)).read("manifest.json"))
    assert manifest["project"]["stage"] == "archived"


def test_on_local_disk_nginx_sends_the_zip_after_the_checks(
    world, all_met, client, settings, django_capture_on_commit_callbacks
):
    a, _b, clock = world
    _archived(a, clock)
    settings.WIPP_ARCHIVE_ACCEL_PREFIX = "/_protected/media/"
    client.force_login(a.office)
    _request_from_page(client, a.project, django_capture_on_commit_callbacks)
    bundle = ArchiveBundle.unscoped.get(project=a.project)
    response = client.get(reverse("archive:download", args=[a.project.pk]))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_protected/media/" + bundle.storage_name
    assert bundle.storage_name.startswith(f"archive-bundles/{a.project.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.unscoped.filter(action="download", project_id=a.project.pk).exists()
    client.force_login(a.evaluator)
    assert client.get(reverse("archive:download", args=[a.project.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_start_one_build(world, all_met, settings):
    """Requests at the same moment, each in its own connection: one build. PostgreSQL only
    (production's database; SQLite serialises the whole file and has no row locks):
    DATABASE_URL=postgres://… pytest tests/archive/test_bundle.py -k simultaneous."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent connections: run on PostgreSQL")
    a, _b, clock = world
    _archived(a, clock)
    settings.TASKS = DB_BACKEND
    barrier = threading.Barrier(4)
    answers, errors = [], []

    def ask():
        try:
            barrier.wait(timeout=30)
            answers.append(services.archive_bundle_request(user=a.office, project=a.project))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len({bundle.pk for bundle, _started in answers}) == 1
    assert sum(started for _bundle, started in answers) == 1
    assert ArchiveBundle.unscoped.filter(project=a.project).count() == 1
    assert DBTaskResult.objects.filter(task_path=archive_bundle_task.module_path).count() == 1
