"""The review pages as their users meet them: the expert's sheet, the office's board."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.review import services
from apps.review.models import AssignmentStatus, ExpertAssignment, OrganisationEvent, ReviewResult
from tests.factories import OrganisationFactory, UserFactory
from tests.review.world import BEST, review_world

pytestmark = pytest.mark.django_db
PASSWORD = "Wipp-Test-2026!"


def _client(client, user):
    client.force_login(user)
    return client


def _form(scores: dict) -> dict:
    data = {}
    for code, entry in scores.items():
        for key, value in entry.items():
            data[f"s-{code}-{key}"] = value
    return data


def _submit_all(world):
    for assignment in ExpertAssignment.unscoped.filter(round__call=world.call):
        services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={},
            vetoes={},
            submit=True,
        )


@pytest.fixture
def world():
    return review_world()


def _assignment_of(world, expert) -> ExpertAssignment:
    return ExpertAssignment.unscoped.filter(expert=expert).first()


def test_expert_sees_the_computed_leader_items_with_their_derivation(client, world):
    expert = world.experts[0]
    assignment = _assignment_of(world, expert)
    response = _client(client, expert).get(reverse("review:sheet", args=[assignment.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张伟" in body and "1.2②" in body


def test_partial_save_keeps_what_is_filled_in(client, world):
    expert = world.experts[0]
    assignment = _assignment_of(world, expert)
    data = _form({"1.1": {"level": "mostly"}}) | {"action": "save"}
    response = _client(client, expert).post(reverse("review:sheet", args=[assignment.pk]), data)
    assert response.status_code == 302
    assert assignment.scores.get(item_code="1.1").score == 2


def test_submitting_an_incomplete_sheet_names_the_missing_indicator(client, world):
    expert = world.experts[0]
    assignment = _assignment_of(world, expert)
    data = _form({"1.1": {"level": "complete"}}) | {"action": "submit"}
    response = _client(client, expert).post(reverse("review:sheet", args=[assignment.pk]), data)
    assert response.status_code == 200
    assert 'data-testid="sheet-errors"' in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_submitting_a_complete_sheet_locks_it(client, world):
    expert = world.experts[0]
    assignment = _assignment_of(world, expert)
    data = _form(BEST) | {"action": "submit"}
    response = _client(client, expert).post(reverse("review:sheet", args=[assignment.pk]), data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    again = client.post(reverse("review:sheet", args=[assignment.pk]), data)
    assert (
        "submit-sheet"
        not in client.get(reverse("review:sheet", args=[assignment.pk])).content.decode()
    )
    assert again.status_code == 200


def test_an_expert_cannot_open_another_experts_sheet(client, world):
    other = ExpertAssignment.unscoped.filter(expert=world.experts[1]).first()
    response = _client(client, world.experts[0]).get(reverse("review:sheet", args=[other.pk]))
    assert response.status_code == 404


def test_the_office_sees_sheets_only_once_scoring_is_closed(client, world):
    assignment = _assignment_of(world, world.experts[0])
    url = reverse("review:sheet", args=[assignment.pk])
    assert _client(client, world.office).get(url).status_code == 403
    _submit_all(world)
    services.review_round_close(user=world.office, review_round=assignment.round)
    assert client.get(url).status_code == 200


def test_another_citys_office_gets_404_on_the_board(client, world):
    stranger = UserFactory(role="office")
    response = _client(client, stranger).get(reverse("review:round", args=[world.call.pk]))
    assert response.status_code == 404


def test_the_office_closes_scoring_and_sees_the_ranking(client, world):
    _submit_all(world)
    office = _client(client, world.office)
    response = office.post(reverse("review:round_action", args=[world.call.pk, "close"]))
    assert response.status_code == 302
    board = office.get(reverse("review:round", args=[world.call.pk])).content.decode()
    assert 'data-testid="ranking"' in board
    assert ReviewResult.unscoped.filter(round__call=world.call, rank=1).exists()


def test_the_combined_score_table_exports_to_excel_and_pdf(client, world):
    _submit_all(world)
    services.review_round_close(user=world.office, review_round=world.call.review_round)
    office = _client(client, world.office)
    url = reverse("review:round", args=[world.call.pk])
    workbook = load_workbook(io.BytesIO(office.get(url, {"export": "xlsx"}).content))
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert world.applications[0].number in cells
    pdf = office.get(url, {"export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_expert_exports_own_sheet(client, world):
    expert = world.experts[0]
    assignment = _assignment_of(world, expert)
    response = _client(client, expert).get(
        reverse("review:sheet", args=[assignment.pk]), {"export": "xlsx"}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert any("1.1" in str(c.value) for row in workbook.active.iter_rows() for c in row if c.value)


def test_changing_the_proposal_needs_a_reason(client, world):
    _submit_all(world)
    services.review_round_close(user=world.office, review_round=world.call.review_round)
    result = ReviewResult.unscoped.filter(round__call=world.call).first()
    office = _client(client, world.office)
    url = reverse("review:result_adjust", args=[result.pk])
    office.post(url, {"proposed": "no", "reason": ""})
    result.refresh_from_db()
    assert result.proposed is True
    office.post(url, {"proposed": "no", "reason": "联席会议决定暂缓"})
    result.refresh_from_db()
    assert (result.proposed, result.adjusted_reason) == (False, "联席会议决定暂缓")


def test_a_hand_entered_event_needs_a_document(client, world):
    organisation = OrganisationFactory(jurisdiction=world.call.jurisdiction)
    data = {
        "organisation": organisation.pk,
        "kind": "failed_acceptance",
        "occurred_on": "2025-06-01",
        "description": "2024年项目验收不合格",
        "entry_reason": "平台上线前的记录",
    }
    response = _client(client, world.office).post(reverse("review:events"), data)
    assert response.status_code == 200
    assert not OrganisationEvent.unscoped.exists()


def test_a_hand_entered_event_with_its_document_is_recorded(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    organisation = OrganisationFactory(jurisdiction=world.call.jurisdiction)
    pdf = SimpleUploadedFile("opinion.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    data = {
        "organisation": organisation.pk,
        "kind": "failed_acceptance",
        "occurred_on": "2025-06-01",
        "description": "2024年项目验收不合格",
        "entry_reason": "平台上线前的记录",
        "evidence": pdf,
    }
    response = _client(client, world.office).post(reverse("review:events"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    event = OrganisationEvent.unscoped.get()
    assert event.evidence is not None
    listed = _client(client, world.office).get(reverse("review:events"), {"q": "验收不合格"})
    body = listed.content.decode()
    assert "2024年项目验收不合格" in body and 'data-testid="list-pager"' in body
    none = _client(client, world.office).get(reverse("review:events"), {"q": "没有这种事件"})
    assert "2024年项目验收不合格" not in none.content.decode()


def test_the_office_board_does_not_query_per_assignment(client, django_assert_max_num_queries):
    world = review_world(applications=4, experts=3)
    _submit_all(world)
    services.review_round_close(user=world.office, review_round=world.call.review_round)
    office = _client(client, world.office)
    with django_assert_max_num_queries(30):
        office.get(reverse("review:round", args=[world.call.pk]))


def test_api_hides_scores_from_the_office_until_scoring_closes(client, world):
    assignment = _assignment_of(world, world.experts[0])
    services.score_sheet_save(
        expert=assignment.expert,
        assignment=assignment,
        scores=BEST,
        bonus={},
        vetoes={},
        submit=True,
    )
    rows = _client(client, world.office).get("/api/v1/expert-assignments/").json()["results"]
    mine = next(row for row in rows if row["id"] == assignment.pk)
    assert mine["scores"] is None
    client.force_login(world.experts[0])
    own = client.get(f"/api/v1/expert-assignments/{assignment.pk}/").json()
    assert len(own["scores"]) > 0


def test_api_lists_only_the_experts_own_assignments(client, world):
    rows = _client(client, world.experts[0]).get("/api/v1/expert-assignments/").json()
    assert {row["expert"] for row in rows["results"]} == {world.experts[0].pk}


def test_declaring_a_relation_withdraws_open_assignments_to_that_applicant(client, world):
    expert = world.experts[0]
    applicant = world.applications[0].applicant
    response = _client(client, expert).post(
        reverse("review:my"),
        {"credit_code": applicant.credit_code, "description": "曾在该单位任职"},
    )
    assert response.status_code == 302
    withdrawn = ExpertAssignment.unscoped.get(expert=expert, application=world.applications[0])
    assert withdrawn.status == AssignmentStatus.CONFLICT
    assert client.get(reverse("review:sheet", args=[withdrawn.pk])).status_code == 404


def test_declaring_a_relation_with_an_unknown_code_is_refused(client, world):
    response = _client(client, world.experts[0]).post(
        reverse("review:my"), {"credit_code": "91130100MA00000000", "description": "亲属"}
    )
    assert response.status_code == 200
    assert not ExpertAssignment.unscoped.filter(status=AssignmentStatus.CONFLICT).exists()


def test_scoring_cannot_close_while_an_application_lacks_its_experts(world):
    from django.core.exceptions import ValidationError

    withdrawn = _assignment_of(world, world.experts[0])
    services.assignment_declare_conflict(
        expert=withdrawn.expert, assignment=withdrawn, reason="曾为其提供咨询"
    )
    for assignment in ExpertAssignment.unscoped.filter(status=AssignmentStatus.ASSIGNED):
        services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={},
            vetoes={},
            submit=True,
        )
    with pytest.raises(ValidationError) as refused:
        services.review_round_close(user=world.office, review_round=world.call.review_round)
    assert withdrawn.application.number in str(refused.value)


def test_the_expert_pool_searches_sorts_and_pages(client):
    world = review_world(applications=1, experts=3)
    first, second = sorted(world.experts, key=lambda u: u.full_name)[:2]
    page = _client(client, world.office).get(reverse("review:pool"), {"sort": "-expert"})
    body = page.content.decode()
    assert 'data-testid="list-pager"' in body
    assert body.index(second.full_name) < body.index(first.full_name)
    found = _client(client, world.office).get(reverse("review:pool"), {"q": first.full_name})
    assert first.full_name in found.content.decode()
    assert second.full_name not in found.content.decode()
