import pytest
from django.conf import settings

from apps.screening.models import SimilarityPair
from apps.screening.services import screening_run
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.rendered_forms import form_submit
from tests.screening.test_services import OWN_WORDS, _narrative

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


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
    assert pair.basis == "text"
    page = client.get(f"/screening/pairs/{pair.pk}/", **EN).content.decode()
    assert page.count("<mark>") >= 2
    assert "硫化氢中毒" in page
    assert 'data-testid="pair-basis">own text<' in page


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


def test_decision_through_the_page_is_confirmed_before_it_is_recorded(client, flagged):
    from apps.screening.models import PreliminaryReview

    _call, _original, copy, office = flagged
    review = PreliminaryReview.unscoped.get(application=copy)
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the POSTs answer in English too
    url = f"/screening/reviews/{review.pk}/"
    page = client.get(url, **EN)
    # The platform flagged P4; the reviewer also fails P1, first without a reason.
    refused = form_submit(client, page, "form[data-testid=decision-form]", data={"P1-passed": "no"})
    assert "border-danger" in refused.content.decode()
    confirmation = form_submit(
        client,
        refused,
        "form[data-testid=decision-form]",
        data={"P1-passed": "no", "P1-reason": "营业执照已过期"},
    )
    review.refresh_from_db()
    assert review.outcome == "pending"
    text = confirmation.content.decode()
    assert "the applicant is notified" in text and "营业执照已过期" in text
    form_submit(
        client, confirmation, "form[data-testid=confirm-form]", button="button[name=confirmed]"
    )
    review.refresh_from_db()
    assert review.outcome == "failed"
    assert "营业执照已过期" in review.summary


def test_back_from_the_confirmation_keeps_the_reviewers_choices(client, flagged):
    from apps.screening.models import PreliminaryReview

    _call, _original, copy, office = flagged
    review = PreliminaryReview.unscoped.get(application=copy)
    client.force_login(office)
    page = client.get(f"/screening/reviews/{review.pk}/", **EN)
    confirmation = form_submit(
        client,
        page,
        "form[data-testid=decision-form]",
        data={"P1-passed": "no", "P1-reason": "营业执照已过期"},
    )
    back = form_submit(
        client, confirmation, "form[data-testid=confirm-form]", button="button[name=edit]"
    )
    assert 'value="营业执照已过期"' in back.content.decode()
    review.refresh_from_db()
    assert review.outcome == "pending"


def test_a_decision_is_revised_from_the_page_with_a_reason(client, flagged):
    from apps.screening.models import PreliminaryReview, ReviewRevision
    from apps.screening.services import preliminary_review_decide

    _call, _original, copy, office = flagged
    review = PreliminaryReview.unscoped.get(application=copy)
    decisions = {c: {"passed": c != "P4", "reason": ""} for c in ("P1", "P2", "P3", "P4")}
    preliminary_review_decide(reviewer=office, review=review, decisions=decisions)
    client.force_login(office)
    url = f"/screening/reviews/{review.pk}/"
    assert 'data-testid="revise"' in client.get(url, **EN).content.decode()
    page = client.get(url + "?revise=1", **EN)
    without_reason = form_submit(
        client,
        page,
        "form[data-testid=decision-form]",
        data={"P4-passed": "yes", "P4-reason": "比对后系引用同一行业标准"},
    )
    assert 'data-testid="error-revision_reason"' in without_reason.content.decode()
    confirmation = form_submit(
        client,
        without_reason,
        "form[data-testid=decision-form]",
        data={"revision_reason": "复核认定不构成雷同"},
    )
    form_submit(
        client, confirmation, "form[data-testid=confirm-form]", button="button[name=confirmed]"
    )
    review.refresh_from_db()
    assert review.outcome == "passed"
    assert ReviewRevision.objects.get(review=review).reason == "复核认定不构成雷同"
    copy.refresh_from_db()
    assert copy.status == "screening_passed"


def test_run_button_enqueues_the_screening_task_on_the_database_backend(client, flagged, settings):
    from django_tasks_db.models import DBTaskResult

    call, _original, _copy, office = flagged
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(office)
    client.post(f"/screening/calls/{call.pk}/run/")
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.args_kwargs["kwargs"] == {"call_id": call.pk, "user_id": office.pk}


def test_the_board_follows_a_queued_run_and_says_when_no_worker_runs(client, flagged, settings):
    from django_tasks_db.models import DBTaskResult

    call, _original, _copy, office = flagged
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LANGUAGE_CODE = "en"
    client.force_login(office)
    page = client.get(f"/screening/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    response = form_submit(client, page, "form[action*=/run/]", follow=True)
    queued = DBTaskResult.objects.get()
    html = response.content.decode()
    assert f"?task={queued.pk}" in response.redirect_chain[-1][0]
    assert 'data-testid="run-progress"' in html
    assert f'hx-get="/progress/task/{queued.pk}/"' in html
    assert "No task worker is running" in html
    assert "Preliminary review checks" in html


def test_the_board_shows_the_calls_last_run_when_it_ran_inline(client, flagged):
    call, _original, _copy, office = flagged
    client.force_login(office)
    client.post(f"/screening/calls/{call.pk}/run/")
    html = client.get(f"/screening/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="run-progress"' in html and 'data-finished="1"' in html
