"""The online platforms' constraints in plain words (issue 13 item 10): a batch with a record
sent twice, or ending before it starts, is refused by the API row by row in words before any
row is written — never with the constraint's name; the models' checks say the same."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from apps.online.models import LearningRecord
from tests.online.world import T0, api_key_for, learning_row  # noqa: F401

pytestmark = pytest.mark.django_db
LEARNING = "/api/v1/online/learning-records/batch/"


def _push(key, project, rows, language):
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE=language)
    return client.post(
        LEARNING,
        data=json.dumps({"project": project.pk, "records": rows}),
        content_type="application/json",
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_record_twice_or_ending_before_it_starts_is_refused_in_words(online, language):
    a, b, _c = online.trainees
    rows = [
        learning_row(a, 1),
        learning_row(a, 2, platform_record_id="L-1"),
        learning_row(b, 3, ended_at=(T0 - datetime.timedelta(days=1)).isoformat()),
    ]
    response = _push(online.key, online.world.project, rows, language)
    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    expected = {
        "en": ("Sent twice in this batch", "The record ends before it starts."),
        "zh-hans": ("本批数据中重复发送", "记录的结束时间早于开始时间。"),
    }[language]
    assert all(message in text for message in expected)
    assert "Constraint" not in text and "约束" not in text
    assert "learning_record_once" not in text and "learning_record_ends_after" not in text
    assert not LearningRecord.unscoped.exists()


def test_the_models_checks_name_what_is_wrong(online):
    response = _push(online.key, online.world.project, [learning_row(online.trainees[0], 1)], "en")
    assert response.status_code == 201
    record = LearningRecord.unscoped.get()
    twin = LearningRecord.unscoped.get()
    twin.pk = None
    twin.ended_at = twin.started_at - datetime.timedelta(seconds=1)
    twin.counted_seconds = twin.seconds_watched + 1
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert sorted(error.value.messages) == [
        "A learning record must end after it starts.",
        "The counted time cannot be more than the time watched.",
        "The platform has already sent this learning record.",
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert not any("约束" in m for m in error.value.messages)
    assert record.pk
