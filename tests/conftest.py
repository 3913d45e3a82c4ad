import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (tested in tests/accounts); tests elsewhere need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    # Production runs tasks on the database backend's worker; tests run them inline.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _isolated_audit_checkpoints(settings, tmp_path):
    # Each test's database is rolled back: its audit checkpoints must not meet another test's.
    settings.WIPP_AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")
    settings.WIPP_AUDIT_CHECKPOINT_S3_BUCKET = ""
