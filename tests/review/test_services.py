"""The expert review through its services: opening a round, assigning experts with conflicts
excluded, score sheets, closing with ranking, vetoes and deductions, the office's adjustments
and recorded organisation events."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from apps.applications.models import Application
from apps.audit.models import AuditEntry
from apps.review import services
from apps.review.models import (
    AssignmentStatus,
    ExpertAssignment,
    ItemScore,
    OrganisationEvent,
    ReviewResult,
)
from tests.evidence.factories import pdf_bytes, upload
from tests.factories import UserFactory
from tests.review.factories import (
    ExpertProfileFactory,
    ExpertRelationFactory,
    OrganisationEventFactory,
    bottom,
    experts,
    office_of,
    open_round,
    review_call,
    screened_call,
    sheet,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def assigned(n_applications=1, *, n_experts=3, per_application=3, **kwargs):
    """(call, office, applications, round, assignments) with experts assigned."""
    call, office, applications = screened_call(n_applications, **kwargs)
    experts(n_experts)
    review_round = open_round(call, office, per_application=per_application)
    assignments = services.experts_assign(user=office, review_round=review_round)
    return call, office, applications, review_round, assignments


def of(assignments, application):
    return [a for a in assignments if a.application_id == application.pk]


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- opening a round --------------------------------------------------------------------------


def test_opening_a_round_needs_a_rubric_on_the_call():
    call, office, _ = screened_call(1, rubric_code="")
    with pytest.raises(ValidationError) as error:
        open_round(call, office)
    assert "The call names no rubric" in messages(error.value)


def test_opening_a_round_with_a_missing_rubric_file_is_refused():
    call, office, _ = screened_call(1, rubric_code="guangzhou-2027")
    with pytest.raises(ValidationError) as error:
        open_round(call, office)
    assert "There is no rubric “guangzhou-2027”" in messages(error.value)


def test_a_round_opens_only_once_the_call_is_closed():
    call = review_call()
    with pytest.raises(ValidationError) as error:
        open_round(call, office_of(call))
    assert "close the call before the expert review" in messages(error.value)


def test_another_citys_office_cannot_open_the_round():
    call, _office, _ = screened_call(1)
    stranger = office_of(review_call())
    with pytest.raises(PermissionDenied):
        open_round(call, stranger)


def test_a_round_needs_at_least_one_expert_per_application():
    call, office, _ = screened_call(1)
    with pytest.raises(ValidationError) as error:
        open_round(call, office, per_application=0)
    assert "experts_per_application" in error.value.message_dict


def test_the_round_keeps_the_calls_rubric_and_settings():
    call, office, _ = screened_call(1)
    review_round = open_round(call, office, per_application=5, deviation_margin=Decimal("10"))
    assert (review_round.rubric_code, review_round.experts_per_application) == (
        "hebei-2027",
        5,
    )
    assert review_round.deviation_margin == Decimal("10")


# --- assigning experts ------------------------------------------------------------------------


def test_each_screened_application_gets_n_distinct_experts():
    _call, _office, applications, _round, assignments = assigned(3, n_experts=5)
    for application in applications:
        mine = of(assignments, application)
        assert len(mine) == 3 and len({a.expert_id for a in mine}) == 3


def test_the_load_is_balanced_across_the_pool():
    *_, assignments = assigned(3, n_experts=5)
    loads = {}
    for assignment in assignments:
        loads[assignment.expert_id] = loads.get(assignment.expert_id, 0) + 1
    assert len(loads) == 5 and max(loads.values()) - min(loads.values()) <= 1


def test_an_application_that_failed_screening_gets_no_expert():
    _call, _office, applications, _round, assignments = assigned(2, failing={1: ["P2"]})
    assert applications[1].status == "screening_failed"
    assert of(assignments, applications[1]) == []
    assert len(of(assignments, applications[0])) == 3


def test_an_expert_of_the_applicants_organisation_is_not_assigned():
    call, office, (application,) = screened_call(1)
    insider = ExpertProfileFactory(user__organisation=application.applicant)
    experts(3)
    review_round = open_round(call, office)
    assignments = services.experts_assign(user=office, review_round=review_round)
    assert insider.user_id not in {a.expert_id for a in assignments}
    assert len(assignments) == 3


def test_an_expert_with_a_declared_relation_is_not_assigned():
    call, office, (application,) = screened_call(1)
    related = ExpertRelationFactory(organisation=application.applicant).expert
    experts(3)
    review_round = open_round(call, office)
    assignments = services.experts_assign(user=office, review_round=review_round)
    assert related.user_id not in {a.expert_id for a in assignments}


def test_not_enough_experts_free_of_conflicts_is_a_clear_error():
    call, office, (application,) = screened_call(1)
    experts(2)
    ExpertRelationFactory(organisation=application.applicant)
    review_round = open_round(call, office)
    with pytest.raises(ValidationError) as error:
        services.experts_assign(user=office, review_round=review_round)
    assert messages(error.value) == (
        f"Not enough experts free of conflicts for {application.number}: 3 needed, 2 available."
    )
    assert not ExpertAssignment.unscoped.filter(round=review_round).exists()


def test_assigning_again_adds_no_expert_to_a_fully_assigned_application():
    _call, office, _apps, review_round, _assignments = assigned(1, n_experts=5)
    assert services.experts_assign(user=office, review_round=review_round) == []


def test_an_application_with_more_experts_than_required_gets_none_added():
    call, office, (application,) = screened_call(1)
    review_round = open_round(call, office, per_application=2)
    for profile in experts(3):  # e.g. assigned by hand before the setting was lowered
        ExpertAssignment.unscoped.create(
            round=review_round, application=application, expert=profile.user
        )
    experts(3)
    assert services.experts_assign(user=office, review_round=review_round) == []


def test_an_inactive_expert_is_not_assigned():
    call, office, _ = screened_call(1)
    resting = ExpertProfileFactory(is_active=False)
    experts(3)
    review_round = open_round(call, office)
    assignments = services.experts_assign(user=office, review_round=review_round)
    assert resting.user_id not in {a.expert_id for a in assignments}


# --- conflicts declared by the expert ------------------------------------------------------------


def test_declaring_a_conflict_ends_the_experts_access_at_once():
    *_, (application,), _round, assignments = assigned(1)
    assignment = assignments[0]
    expert = assignment.expert
    assert Application.objects.for_user(expert).filter(pk=application.pk).exists()
    services.assignment_declare_conflict(
        expert=expert, assignment=assignment, reason="申报单位负责人是我的亲属"
    )
    assert not ExpertAssignment.objects.for_user(expert).filter(pk=assignment.pk).exists()
    assert not Application.objects.for_user(expert).filter(pk=application.pk).exists()


def test_after_a_conflict_the_office_assigns_a_replacement():
    call, office, (application,) = screened_call(1)
    experts(4)
    review_round = open_round(call, office)
    first = services.experts_assign(user=office, review_round=review_round)
    withdrawn = first[0]
    services.assignment_declare_conflict(
        expert=withdrawn.expert, assignment=withdrawn, reason="曾为该单位提供咨询服务"
    )
    replacement = services.experts_assign(user=office, review_round=review_round)
    assert len(replacement) == 1
    assert replacement[0].expert_id not in {a.expert_id for a in first}
    live = ExpertAssignment.unscoped.filter(application=application).exclude(status="conflict")
    assert live.count() == 3


def test_a_conflict_needs_a_reason():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        services.assignment_declare_conflict(
            expert=assignments[0].expert, assignment=assignments[0], reason="  "
        )
    assert "reason" in error.value.message_dict


def test_an_expert_cannot_withdraw_someone_elses_assignment():
    *_, assignments = assigned(1)
    with pytest.raises(PermissionDenied):
        services.assignment_declare_conflict(
            expert=assignments[1].expert, assignment=assignments[0], reason="冲突"
        )


def test_a_submitted_sheet_cannot_be_withdrawn():
    *_, assignments = assigned(1)
    submit(assignments[0])
    with pytest.raises(ValidationError):
        services.assignment_declare_conflict(
            expert=assignments[0].expert, assignment=assignments[0], reason="冲突"
        )


# --- what experts see -------------------------------------------------------------------------


def test_an_expert_sees_only_own_assignments():
    *_, assignments = assigned(2, n_experts=4)
    expert = assignments[0].expert
    visible = set(ExpertAssignment.objects.for_user(expert).values_list("pk", flat=True))
    assert visible == {a.pk for a in assignments if a.expert_id == expert.pk}


def test_an_expert_cannot_save_another_experts_sheet():
    *_, assignments = assigned(1)
    with pytest.raises(PermissionDenied):
        services.score_sheet_save(
            expert=assignments[1].expert,
            assignment=assignments[0],
            scores=sheet(),
            bonus={},
            vetoes={},
        )


def test_an_expert_without_a_confidentiality_agreement_sees_no_application():
    call, office, (application,) = screened_call(1)
    uncleared = ExpertProfileFactory(cleared=False)
    experts(2)
    services.experts_assign(user=office, review_round=open_round(call, office))
    assert not ExpertAssignment.objects.for_user(uncleared.user).exists()
    assert not Application.objects.for_user(uncleared.user).filter(pk=application.pk).exists()


# --- score sheets -----------------------------------------------------------------------------


def save(assignment, scores, *, submit=False, bonus=None, vetoes=None):
    return services.score_sheet_save(
        expert=assignment.expert,
        assignment=assignment,
        scores=scores,
        bonus=bonus or {},
        vetoes=vetoes or {},
        submit=submit,
    )


def _saved(assignment) -> dict:
    return {s.item_code: s.score for s in ItemScore.objects.filter(assignment=assignment)}


def test_a_partial_save_keeps_what_is_filled_in_and_the_computed_items():
    *_, assignments = assigned(1)
    assignment = save(assignments[0], {"2.3": {"level": "basic", "score": "4.5"}})
    scores = _saved(assignment)
    assert scores["2.3"] == Decimal("4.5")
    assert scores["1.2②"] == Decimal("2")  # the leader is 副高级 in 安全工程
    assert "6.3" not in scores
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_submitting_locks_the_sheet():
    *_, assignments = assigned(1)
    assignment = submit(assignments[0])
    assert assignment.status == AssignmentStatus.SUBMITTED and assignment.submitted_at
    with pytest.raises(ValidationError) as error:
        save(assignment, sheet())
    assert "This sheet is submitted and locked." in messages(error.value)


def test_submitting_an_incomplete_sheet_names_the_missing_indicator():
    *_, assignments = assigned(1)
    scores = sheet()
    del scores["6.3"]
    with pytest.raises(ValidationError) as error:
        save(assignments[0], scores, submit=True)
    assert error.value.message_dict == {"6.3": ["Score this indicator."]}
    assignments[0].refresh_from_db()
    assert assignments[0].status == AssignmentStatus.ASSIGNED


def test_a_score_outside_the_chosen_ranges_is_refused():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {"2.3": {"level": "basic", "score": "6"}})
    assert error.value.message_dict == {"2.3": ["For “基本符合” give a score from 4 to 5."]}


def test_a_score_off_the_half_point_step_is_refused():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {"5": {"level": "mostly", "score": "8.25"}})
    assert error.value.message_dict == {"5": ["Scores go in steps of 0.5."]}


def test_a_level_not_in_the_standard_is_refused():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {"3.4": {"level": "basic"}})  # 3.4 has three levels only
    assert error.value.message_dict == {"3.4": ["Choose one of the levels of the standard."]}


def test_the_bottom_level_needs_a_comment():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {"6.3": {"level": "three_plus_fail"}})
    assert error.value.message_dict == {
        "6.3": ["A comment is required when an indicator scores at the bottom level."]
    }
    save(assignments[0], {"6.3": {"level": "three_plus_fail", "comment": "未列出实施内容"}})
    assert _saved(assignments[0])["6.3"] == Decimal("0")


def test_overriding_a_computed_score_without_a_reason_is_refused():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {"1.2②": {"score": "3"}})
    assert error.value.message_dict == {
        "1.2②": ["The platform computed 2; give a reason for scoring otherwise."]
    }


def test_overriding_a_computed_score_with_a_reason_is_stored_and_audited():
    *_, assignments = assigned(1)
    reason = "职称证书显示为正高级工程师，申报表填写有误"
    save(assignments[0], {"1.2②": {"score": "3", "override_reason": reason}})
    item = ItemScore.objects.get(assignment=assignments[0], item_code="1.2②")
    assert (item.score, item.computed_score, item.override_reason) == (
        Decimal("3"),
        Decimal("2"),
        reason,
    )
    # The sheet's items are in the sheet's one entry (apps.audit.forms.audit_form).
    assert not AuditEntry.unscoped.filter(object_type="review.ItemScore").exists()
    entry = AuditEntry.unscoped.filter(
        object_type="review.ExpertAssignment", object_id=str(assignments[0].pk)
    ).latest("id")
    row = next(r for r in entry.after["scores"] if r["item_code"] == "1.2②")
    assert row["override_reason"] == reason and row["score"] == "3.00"


def test_overriding_a_computed_yes_no_item_needs_a_reason():
    *_, assignments = assigned(1)  # the application's leader works alone: no team (3.2①)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {"3.2①": {"level": "yes"}})
    assert "3.2①" in error.value.message_dict


def test_a_bonus_outside_its_item_is_refused():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {}, bonus={"7.1②": "4"})
    assert error.value.message_dict == {"7.1②": ["Give 1 to 3 points, or none."]}


def test_an_expert_veto_needs_a_reason_and_only_7_3_1_and_2_are_the_experts():
    *_, assignments = assigned(1)
    with pytest.raises(ValidationError) as error:
        save(assignments[0], {}, vetoes={"7.3①": " ", "7.3④": "零分"})
    assert error.value.message_dict == {
        "7.3①": ["Say why the veto applies."],
        "7.3④": ["7.3④ is not a veto an expert declares."],
    }


# --- closing the round ------------------------------------------------------------------------


def test_closing_is_refused_while_sheets_are_pending():
    _call, office, _apps, review_round, assignments = assigned(1)
    submit(assignments[0])
    with pytest.raises(ValidationError) as error:
        services.review_round_close(user=office, review_round=review_round)
    assert messages(error.value) == "2 score sheets are not submitted yet."


def test_closing_combines_ranks_and_proposes_within_the_budget():
    _call, office, apps, review_round, assignments = assigned(
        3, amounts=("400000", "500000", "300000"), budget_total=Decimal("800000")
    )
    quality = {
        apps[0].pk: sheet(),
        apps[1].pk: sheet({"2.3": {"level": "basic", "score": "4"}}),
        apps[2].pk: sheet({"2.3": {"level": "one_fails", "score": "1"}}),
    }
    for assignment in assignments:
        submit(assignment, quality[assignment.application_id])
    services.review_round_close(user=office, review_round=review_round)
    results = ReviewResult.unscoped.filter(round=review_round).order_by("rank")
    shown = [(r.application_id, r.rank, r.base_score, r.proposed) for r in results]
    assert shown == [
        (apps[0].pk, 1, Decimal("87.50"), True),
        (apps[1].pk, 2, Decimal("84.50"), False),  # 500 000 no longer fits
        (apps[2].pk, 3, Decimal("81.50"), True),
    ]
    review_round.refresh_from_db()
    assert review_round.status == "closed"


def test_the_result_keeps_the_combined_first_levels_and_bonus():
    _call, office, _apps, review_round, assignments = assigned(1)
    submit(assignments[0], bonus={"7.1①": "5", "7.1②": "2"})
    for assignment in assignments[1:]:
        submit(assignment)
    (result,) = services.review_round_close(user=office, review_round=review_round)
    assert result.first_level == {
        "1": "7.50",
        "2": "20.00",
        "3": "7.00",
        "4": "10.00",
        "5": "10.00",
        "6": "33.00",
    }
    assert (result.bonus, result.final_score) == (Decimal("2.33"), Decimal("89.83"))


def test_an_experts_veto_excludes_the_application_from_the_ranking():
    _call, office, (application,), review_round, assignments = assigned(1)
    submit(assignments[0], vetoes={"7.3①": "承诺书签字与营业执照法定代表人不一致"})
    for assignment in assignments[1:]:
        submit(assignment)
    assert services.review_round_close(user=office, review_round=review_round) == []
    result = ReviewResult.unscoped.get(application=application)
    assert [v["code"] for v in result.vetoes] == ["7.3①"]
    assert "承诺书签字与营业执照法定代表人不一致" in result.vetoes[0]["reason"]
    assert (result.rank, result.proposed) == (None, False)


def test_a_first_level_indicator_combining_to_zero_is_vetoed():
    _call, office, (application,), review_round, assignments = assigned(1)
    for assignment in assignments:
        submit(assignment, sheet(bottom("2")))
    services.review_round_close(user=office, review_round=review_round)
    result = ReviewResult.unscoped.get(application=application)
    assert result.vetoes == [{"code": "7.3④", "reason": "2 = 0"}]


def test_one_expert_zeroing_a_first_level_does_not_veto_when_others_do_not():
    _call, office, (application,), review_round, assignments = assigned(1)
    submit(assignments[0], sheet(bottom("2")))
    for assignment in assignments[1:]:
        submit(assignment)
    services.review_round_close(user=office, review_round=review_round)
    assert ReviewResult.unscoped.get(application=application).vetoes == []


def _score_directly(review_round, application, n=3):
    """Assignments made by hand: the assignment service only takes screened-passed ones."""
    for profile in experts(n):
        assignment = ExpertAssignment.unscoped.create(
            round=review_round, application=application, expert=profile.user
        )
        submit(assignment)


def test_failed_screening_p1_and_p4_become_vetoes_7_3_3_and_7_3_5():
    call, office, (passed, failed) = screened_call(2, failing={1: ["P1", "P4"]})
    experts(3)
    review_round = open_round(call, office)
    for assignment in services.experts_assign(user=office, review_round=review_round):
        submit(assignment)
    _score_directly(review_round, failed)
    ranked = services.review_round_close(user=office, review_round=review_round)
    assert [r.application_id for r in ranked] == [passed.pk]
    result = ReviewResult.unscoped.get(application=failed)
    assert [v["code"] for v in result.vetoes] == ["7.3③", "7.3⑤"]


def test_a_failed_p2_is_no_veto_of_the_review():
    call, office, (application,) = screened_call(1, failing={0: ["P2"]})
    review_round = open_round(call, office)
    _score_directly(review_round, application)
    services.review_round_close(user=office, review_round=review_round)
    assert ReviewResult.unscoped.get(application=application).vetoes == []


def _closes_on(call):
    return timezone.localtime(call.closes_at).date()


def test_events_of_the_last_three_years_deduct_once_per_reason():
    call, office, (application,), review_round, assignments = assigned(1)
    closes = _closes_on(call)
    for days in (10, 700):
        OrganisationEventFactory(
            organisation=application.applicant,
            kind="failed_acceptance",
            occurred_on=closes - datetime.timedelta(days=days),
        )
    OrganisationEventFactory(organisation=application.applicant, kind="refused_supervision")
    for assignment in assignments:
        submit(assignment)
    (result,) = services.review_round_close(user=office, review_round=review_round)
    assert [d["code"] for d in result.deductions_detail] == ["7.2①", "7.2③"]
    assert len(result.deductions_detail[0]["events"]) == 2
    assert (result.deduction, result.final_score) == (Decimal("40"), Decimal("47.50"))


def test_an_event_older_than_three_years_before_closing_does_not_deduct():
    call, office, (application,), review_round, assignments = assigned(1)
    closes = _closes_on(call)
    three_years_before = closes.replace(year=closes.year - 3)
    OrganisationEventFactory(
        organisation=application.applicant,
        kind="failed_acceptance",
        occurred_on=three_years_before,
    )
    OrganisationEventFactory(
        organisation=application.applicant,
        kind="refused_supervision",
        occurred_on=three_years_before - datetime.timedelta(days=1),
    )
    for assignment in assignments:
        submit(assignment)
    (result,) = services.review_round_close(user=office, review_round=review_round)
    assert [d["code"] for d in result.deductions_detail] == ["7.2①"]
    assert result.deduction == Decimal("20")


def test_another_organisations_events_do_not_deduct():
    _call, office, _apps, review_round, assignments = assigned(1)
    OrganisationEventFactory()
    for assignment in assignments:
        submit(assignment)
    (result,) = services.review_round_close(user=office, review_round=review_round)
    assert result.deduction == Decimal("0")


def test_a_closed_round_takes_no_more_sheets():
    _call, office, _apps, review_round, assignments = assigned(1, n_experts=4)
    for assignment in assignments:
        submit(assignment)
    services.review_round_close(user=office, review_round=review_round)
    late = ExpertAssignment.unscoped.create(
        round=review_round,
        application=assignments[0].application,
        expert=ExpertProfileFactory().user,
    )
    with pytest.raises(ValidationError) as error:
        submit(late)
    assert "Scoring of this call is closed." in messages(error.value)


# --- the office adjusts the proposal ----------------------------------------------------------


def closed_round(n=2, **kwargs):
    _call, office, apps, review_round, assignments = assigned(n, **kwargs)
    for assignment in assignments:
        submit(assignment)
    services.review_round_close(user=office, review_round=review_round)
    results = {r.application_id: r for r in ReviewResult.unscoped.filter(round=review_round)}
    return office, [results[a.pk] for a in apps]


def test_an_applicant_sees_its_own_result_only():
    _office, (first, _second) = closed_round()
    applicant = UserFactory(role="applicant", organisation=first.application.applicant)
    visible = list(ReviewResult.objects.for_user(applicant))
    assert visible == [first]


def test_adjusting_the_proposal_needs_a_reason():
    office, (first, _second) = closed_round()
    with pytest.raises(ValidationError) as error:
        services.review_result_adjust(user=office, result=first, proposed=False, reason=" ")
    assert "reason" in error.value.message_dict


def test_the_office_drops_a_proposed_project_with_its_reason():
    office, (first, _second) = closed_round()
    services.review_result_adjust(
        user=office, result=first, proposed=False, reason="与市级重点项目重复"
    )
    first.refresh_from_db()
    assert (first.proposed, first.adjusted_reason) == (False, "与市级重点项目重复")


def test_proposing_beyond_the_budget_is_refused_and_nothing_changes():
    office, (first, second) = closed_round(
        amounts=("400000", "400000"), budget_total=Decimal("500000")
    )
    assert (first.proposed, second.proposed) == (True, False)
    with pytest.raises(ValidationError) as error:
        services.review_result_adjust(user=office, result=second, proposed=True, reason="急需")
    assert messages(error.value) == (
        "The proposed projects would need 800000.00 yuan, more than the budget of 500000.00 yuan."
    )
    second.refresh_from_db()
    assert second.proposed is False


def test_a_vetoed_application_cannot_be_proposed():
    _call, office, (application,), review_round, assignments = assigned(1)
    for assignment in assignments:
        submit(assignment, vetoes={"7.3②": "预算超过单个项目限额"})
    services.review_round_close(user=office, review_round=review_round)
    result = ReviewResult.unscoped.get(application=application)
    with pytest.raises(ValidationError) as error:
        services.review_result_adjust(user=office, result=result, proposed=True, reason="复议")
    assert "A vetoed application cannot be proposed (SZ 7.3)." in messages(error.value)


def test_another_citys_office_cannot_adjust():
    _office, (first, _second) = closed_round()
    stranger = office_of(review_call())
    with pytest.raises(PermissionDenied):
        services.review_result_adjust(user=stranger, result=first, proposed=False, reason="x")


# --- organisation events (SZ 7.2) -------------------------------------------------------------


@pytest.fixture
def city_office():
    call = review_call()
    return office_of(call), call


def _record(user, organisation, **kwargs):
    return services.organisation_event_record(
        user=user,
        organisation=organisation,
        kind="unremedied_noncompliance",
        occurred_on=datetime.date(2025, 3, 1),
        description="2024年度宣传项目未按规定实施，经督促逾期未改正",
        **kwargs,
    )


def test_an_event_entered_by_hand_needs_evidence_and_a_reason(city_office):
    office, call = city_office
    organisation = UserFactory(role="applicant", organisation__jurisdiction=call.jurisdiction)
    with pytest.raises(ValidationError) as error:
        _record(office, organisation.organisation, entry_reason="平台上线前的记录")
    assert "needs a supporting document and a reason" in messages(error.value)
    with pytest.raises(ValidationError):
        _record(
            office, organisation.organisation, evidence_upload=upload("督办函.pdf", pdf_bytes())
        )
    assert not OrganisationEvent.unscoped.exists()


def test_an_event_with_evidence_and_reason_is_recorded(city_office):
    office, call = city_office
    applicant = UserFactory(role="applicant", organisation__jurisdiction=call.jurisdiction)
    event = _record(
        office,
        applicant.organisation,
        evidence_upload=upload("督办函.pdf", pdf_bytes()),
        entry_reason="平台上线前的记录",
    )
    assert event.evidence is not None
    assert (event.recorded_by, event.entry_reason) == (office, "平台上线前的记录")


def test_only_an_office_records_events(city_office):
    _office, call = city_office
    applicant = UserFactory(role="applicant", organisation__jurisdiction=call.jurisdiction)
    with pytest.raises(PermissionDenied):
        _record(
            applicant,
            applicant.organisation,
            evidence_upload=upload("督办函.pdf", pdf_bytes()),
            entry_reason="自报",
        )


def test_an_office_of_another_region_cannot_record_events(city_office):
    _office, call = city_office
    applicant = UserFactory(role="applicant", organisation__jurisdiction=call.jurisdiction)
    stranger = office_of(review_call())
    with pytest.raises(PermissionDenied):
        _record(
            stranger,
            applicant.organisation,
            evidence_upload=upload("督办函.pdf", pdf_bytes()),
            entry_reason="平台上线前的记录",
        )
