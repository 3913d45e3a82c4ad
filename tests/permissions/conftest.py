"""One world per module, built inside a transaction that is rolled back at the end of the
module; every test runs in a savepoint of its own inside it, so a write that goes through
cannot leak into the next test."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from .world import build_world

SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    # The training app's face model is stubbed as in tests/training (the real one is slow).
    "WIPP_TRAINING_FACE_VERIFIER": "tests.training.stub.StubVerifier",
}


# The suite-wide autouse fixtures change settings per test (and the evidence storage to an
# empty directory per test, which would lose the world's files): here the module sets them once.
@pytest.fixture(autouse=True)
def _fast_password_hashing():
    yield


@pytest.fixture(autouse=True)
def _isolated_evidence_storage():
    yield


@pytest.fixture(autouse=True)
def _tasks_run_immediately():
    yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("evidence"))},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        override_settings(STORAGES=storages, **SETTINGS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        from apps.training import faces

        faces._verifier_for.cache_clear()
        built = build_world()
        yield built
        transaction.set_rollback(True)
        faces._verifier_for.cache_clear()


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker):
    """A logged-in session per user of the world (made once: each test gets a fresh client)."""
    keys = {}
    with django_db_blocker.unblock():
        users = [u for c in (world.a, world.b) for u in (*c.users.values(), *c.strangers.values())]
        users += list(world.province_users.values())
        for user in users:
            client = Client()
            client.force_login(user)
            keys[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys
