import pytest

from apps.screening.models import SimilarityPair
from apps.screening.services import screening_run
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.screening.test_services import OWN_WORDS, _narrative

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged():
    call = CallFactory()
    original, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[1]))
    copy, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[1]))
    submitted_application(call, narrative=_narrative(OWN_WORDS[2]))
    screening_run(call=call)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    return call, original, copy, office


def test_board_lists_the_suspicious_pair_with_its_figure(client, flagged):
    call, original, copy, office = flagged
    client.force_login(office)
    page = client.get(f"/screening/calls/{call.pk}/").content.decode()
    assert original.number in page and copy.number in page
    assert "table-danger" in page


def test_pair_page_highlights_the_shared_passages_side_by_side(client, flagged):
    _call, original, copy, office = flagged
    pair = SimilarityPair.unscoped.get(application=copy, other=original)
    client.force_login(office)
    page = client.get(f"/screening/pairs/{pair.pk}/").content.decode()
    assert page.count("<mark>") >= 2
    assert "硫化氢中毒" in page


def test_screening_export_is_an_xlsx_with_a_row_per_application(client, flagged):
    import io

    from openpyxl import load_workbook

    call, _original, _copy, office = flagged
    client.force_login(office)
    response = client.get(f"/screening/calls/{call.pk}/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4


def test_board_query_count_does_not_grow_with_applications(
    client, flagged, django_assert_max_num_queries
):
    call, _original, _copy, office = flagged
    client.force_login(office)
    with django_assert_max_num_queries(16):
        client.get(f"/screening/calls/{call.pk}/")


def test_decision_through_the_page(client, flagged):
    from apps.screening.models import PreliminaryReview

    _call, _original, copy, office = flagged
    review = PreliminaryReview.unscoped.get(application=copy)
    client.force_login(office)
    data = {
        "P1-passed": "no",
        "P1-reason": "",
        "P2-passed": "yes",
        "P3-passed": "yes",
        "P4-passed": "no",
    }
    response = client.post(f"/screening/reviews/{review.pk}/", data)
    assert response.status_code == 200
    assert "border-danger" in response.content.decode()
    review.refresh_from_db()
    assert review.outcome == "pending"
    data["P1-reason"] = "营业执照已过期"
    client.post(f"/screening/reviews/{review.pk}/", data)
    review.refresh_from_db()
    assert review.outcome == "failed"
    assert "营业执照已过期" in review.summary


def test_run_button_enqueues_the_screening_task_on_the_database_backend(client, flagged, settings):
    from django_tasks_db.models import DBTaskResult

    call, _original, _copy, office = flagged
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(office)
    client.post(f"/screening/calls/{call.pk}/run/")
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.args_kwargs["kwargs"] == {"call_id": call.pk, "user_id": office.pk}
