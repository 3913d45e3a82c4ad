"""Batches' constraint in plain words (issue 13 item 10): a batch run is written by the
platform only — starting a batch that has an unfinished run resumes that run instead of
tripping one_unfinished_run_per_batch; the model's check still names what is wrong in words."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.batches import services
from apps.batches.models import BatchRun

pytestmark = pytest.mark.django_db


def test_starting_an_unfinished_batch_again_resumes_it():
    first = services.batch_start(kind="screening", key="7")
    again = services.batch_start(kind="screening", key="7")
    assert again.pk == first.pk and again.attempts == 2
    twin = BatchRun(
        kind="screening", key="7", started_at=first.started_at, updated_at=first.updated_at
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["This batch is already running; wait until it has finished."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["该批处理正在运行，请待其结束后再试。"]
