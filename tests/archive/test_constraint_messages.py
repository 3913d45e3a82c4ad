"""The archive's constraints in plain words: a build of the record's zip is written by the
platform only — asking again while one is queued or running returns that build instead of
tripping archive_one_running_bundle_per_project; the model's check still says what is wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.archive import services
from apps.archive.models import ArchiveBundle
from tests.archive.test_archive import _archived

pytestmark = pytest.mark.django_db


def test_asking_again_returns_the_running_build_and_the_check_says_why(
    world, all_met, settings, django_capture_on_commit_callbacks
):
    a, _b, clock = world
    _archived(a, clock)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        first, _started = services.archive_bundle_request(user=a.office, project=a.project)
    again, started = services.archive_bundle_request(user=a.office, project=a.project)
    assert again.pk == first.pk and not started
    twin = ArchiveBundle(
        jurisdiction=a.project.jurisdiction,
        project=a.project,
        requested_by=a.office,
        requested_at=first.requested_at,
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == [
        "The zip of this record is already being built; wait until it is ready."
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["该项目档案包正在生成，请待其生成完毕。"]
    overdone = ArchiveBundle(
        jurisdiction=a.project.jurisdiction,
        project=a.project,
        requested_by=a.office,
        requested_at=first.requested_at,
        status="done",
        total=3,
        done=4,
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        overdone.validate_constraints()
    assert error.value.messages == ["已写入部分数不能超过档案包的部分总数。"]
