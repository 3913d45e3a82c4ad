"""Long work shows progress (issue 17 item 5): the partial polls itself while a batch runs,
stops once it is finished, and says that no worker is running instead of waiting forever."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.roles import Role
from apps.batches.models import BatchRun, BatchStatus
from apps.core.progress import worker_state
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _run(**fields):
    now = timezone.now()
    values = {
        "kind": "screening_run",
        "key": "1",
        "label": "Screening checks",
        "total": 40,
        "done": 10,
        "started_at": now,
        "updated_at": now,
    }
    return BatchRun.objects.create(**(values | fields))


def _heartbeat(age_seconds):
    from apps.operations.models import Heartbeat
    from apps.operations.tasks import WORKER

    Heartbeat.objects.update_or_create(
        name=WORKER,
        defaults={"beat_at": timezone.now() - datetime.timedelta(seconds=age_seconds)},
    )


def _get(client, run, user):
    client.force_login(user)
    response = client.get(reverse("progress:batch", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


def test_a_running_batch_polls_and_shows_how_far_it_is(client):
    _heartbeat(5)
    run = _run()
    response, page = _get(client, run, UserFactory(role=Role.OFFICE))
    assert response.status_code == 200
    assert 'data-polling="1"' in page and f'hx-get="/progress/batch/{run.pk}/"' in page
    assert "10 of 40 (25 %)" in page
    assert 'value="25"' in page
    assert "Working" in page


def test_a_finished_batch_stops_polling(client):
    run = _run(status=BatchStatus.FINISHED, done=40, finished_at=timezone.now())
    _response, page = _get(client, run, UserFactory(role=Role.OFFICE))
    assert "hx-get" not in page and 'data-finished="1"' in page
    assert "Finished." in page


def test_a_failed_batch_says_why_and_stops(client):
    run = _run(status=BatchStatus.FAILED, error="ValueError")
    _response, page = _get(client, run, UserFactory(role=Role.OFFICE))
    assert "hx-get" not in page
    assert "Stopped by an error: ValueError" in page


def test_without_a_worker_the_page_says_so(client, settings):
    settings.WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 300
    _heartbeat(3600)
    run = _run()
    _response, page = _get(client, run, UserFactory(role=Role.OFFICE))
    assert "No task worker is running" in page
    assert 'data-polling="1"' in page  # it picks up again once the worker runs


def test_worker_state_from_the_heartbeat(settings):
    settings.WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 300
    assert worker_state().running is False  # no heartbeat yet
    _heartbeat(10)
    assert worker_state().running is True
    _heartbeat(301)
    assert worker_state().running is False


def test_who_may_read_a_run(client):
    run = _run(started_by="roster_importer")
    starter = UserFactory(role=Role.IMPLEMENTER, username="roster_importer")
    stranger = UserFactory(role=Role.IMPLEMENTER)
    assert _get(client, run, starter)[0].status_code == 200
    assert _get(client, run, stranger)[0].status_code == 403
    client.force_login(UserFactory(role=Role.OFFICE))
    assert client.get(reverse("progress:batch", args=[999999])).status_code == 404


def test_a_queued_task_shows_its_state(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 300
    _heartbeat(5)
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="apps.audit.tasks.verify_audit_log",
        backend_name="default",
        run_after=timezone.now(),
    )
    client.force_login(UserFactory(role=Role.OFFICE))
    page = client.get(reverse("progress:task", args=[result.pk])).content.decode()
    assert "verify audit log" in page and 'data-polling="1"' in page
    client.force_login(UserFactory(role=Role.APPLICANT))
    assert client.get(reverse("progress:task", args=[result.pk])).status_code == 403
    client.force_login(UserFactory(role=Role.OFFICE))
    assert client.get(reverse("progress:task", args=[uuid.uuid4()])).status_code == 404


def test_the_home_page_follows_the_users_own_running_work(client):
    _heartbeat(5)
    office = UserFactory(role=Role.OFFICE, username="screener")
    mine = _run(started_by="screener", label="Screening checks of call 7")
    _run(kind="deadline_sweep", key="x", started_by="someone_else", label="Sweep of another user")
    client.force_login(office)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="my-work"' in page
    assert "Screening checks of call 7" in page and "Sweep of another user" not in page
    assert f'hx-get="/progress/batch/{mine.pk}/"' in page
