"""Procurement services end to end: requirements with criteria, the workflow by role and level,
the award's qualification check, the HB §11 deadlines (the agreement and payment rules are in
tests/contracts)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from apps.contracts import services as contract_services
from apps.deadlines.calendar import CalendarNotCovered
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.procurement import services
from apps.procurement.models import (
    Award,
    PlanStatus,
    ProcurementStatus,
    RequirementItem,
)
from apps.procurement.selectors import traceability_rows
from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectStage
from apps.qualifications.models import QualificationCheckRecord
from tests.procurement.world import (
    APPROVED,
    NOTICE,
    PUBLISHED,
    SIGNED,
    approved,
    awarded,
    build_city,
    build_world,
    contracted,
    draft,
    pdf,
    published,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _deadline(award, code):
    return Deadline.unscoped.get(rule__code=code, subject_type__model="award", subject_id=award.pk)


# --- requirements ----------------------------------------------------------------------------


def test_a_requirement_without_acceptance_criterion_is_refused(world):
    a, _ = world
    procurement = draft(a, requirements=0)
    with pytest.raises(ValidationError) as error:
        services.requirement_add(
            user=a.hrss,
            procurement=procurement,
            name="宣传手册",
            quantity="5000",
            unit="册",
            acceptance_criterion="   ",
        )
    assert "acceptance_criterion" in error.value.message_dict
    assert "HB §9" in error.value.message_dict["acceptance_criterion"][0]
    assert not RequirementItem.objects.filter(procurement=procurement).exists()


def test_the_database_refuses_a_requirement_without_criterion(world):
    a, _ = world
    procurement = draft(a, requirements=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementItem.objects.create(
            procurement=procurement, number=1, name="x", quantity=1, unit="场"
        )


@pytest.mark.parametrize("quantity", ["0", "-3", "abc", "NaN"])
def test_a_requirement_is_quantified(world, quantity):
    a, _ = world
    procurement = draft(a, requirements=0)
    with pytest.raises(ValidationError) as error:
        services.requirement_add(
            user=a.hrss,
            procurement=procurement,
            name="培训",
            quantity=quantity,
            unit="人次",
            acceptance_criterion="签到记录",
        )
    assert "quantity" in error.value.message_dict


def test_publication_needs_requirements_syllabus_and_tender_documents(world):
    a, _ = world
    procurement = services.procurement_create(
        user=a.hrss, project=a.project, title="采购", method="inquiry", category="training"
    )
    with pytest.raises(ValidationError) as error:
        services.procurement_publish(user=a.hrss, procurement=procurement)
    text = " ".join(error.value.messages)
    assert "requirement" in text and "tender documents" in text and "syllabus" in text
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.DRAFT


def test_a_training_project_cannot_procure_promotion(world):
    a, _ = world
    with pytest.raises(ValidationError):
        services.procurement_create(
            user=a.hrss,
            project=a.project,
            title="采购",
            method="inquiry",
            category="media_promotion",
        )


def test_requirements_are_fixed_once_published(world):
    a, _ = world
    procurement = published(a)
    with pytest.raises(ValidationError):
        services.requirement_add(
            user=a.hrss,
            procurement=procurement,
            name="x",
            quantity=1,
            unit="场",
            acceptance_criterion="y",
        )


# --- workflow by role and level -------------------------------------------------------------


def test_each_transition_only_by_its_role_of_its_level(world):
    a, b = world
    procurement = draft(a)
    for user in (a.office, a.si_agency, a.implementer, b.hrss):
        with pytest.raises(PermissionDenied):
            services.procurement_publish(user=user, procurement=procurement)
    services.procurement_publish(user=a.hrss, procurement=procurement, published_on=PUBLISHED)
    for user in (a.office, b.hrss):
        with pytest.raises(PermissionDenied):
            services.procurement_award(
                user=user,
                procurement=procurement,
                winner=a.trainer,
                amount="1",
                notice_date=NOTICE,
                notice_file=pdf(),
            )
    with pytest.raises(PermissionDenied):
        services.procurement_cancel(user=a.office, procurement=procurement, reason="x")
    with pytest.raises(ValidationError):
        services.procurement_cancel(user=a.hrss, procurement=procurement, reason=" ")
    services.procurement_cancel(user=a.hrss, procurement=procurement, reason="预算调整")
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.CANCELLED


def test_plan_review_agreement_and_payment_roles(world):
    a, b = world
    _procurement, award = awarded(a)
    with pytest.raises(PermissionDenied):
        services.plan_submit(user=a.hrss, award=award, uploaded_file=pdf())
    with pytest.raises(PermissionDenied):
        services.plan_submit(user=b.implementer, award=award, uploaded_file=pdf())
    plan = services.plan_submit(user=a.implementer, award=award, uploaded_file=pdf())
    for user in (a.hrss, b.office, a.implementer):
        with pytest.raises(PermissionDenied):
            services.plan_review(user=user, plan=plan, approve=True, reviewed_on=APPROVED)
    services.plan_review(user=a.office, plan=plan, approve=True, reviewed_on=APPROVED)
    for user in (a.office, a.hrss, b.si_agency):
        with pytest.raises(PermissionDenied):
            contract_services.agreement_record(
                user=user,
                award=award,
                amount="1",
                starts_on=SIGNED,
                ends_on=SIGNED,
                signed_on=SIGNED,
                uploaded_file=pdf(),
            )


def test_filing_needs_every_document_of_hb_11(world):
    a, _ = world
    procurement, _award, _agreement = contracted(a)
    with pytest.raises(ValidationError) as error:
        services.procurement_file(user=a.office, procurement=procurement)
    assert "Winning bid" in " ".join(error.value.messages)
    services.procurement_document_add(
        user=a.office, procurement=procurement, kind="winning_bid", uploaded_file=pdf()
    )
    with pytest.raises(PermissionDenied):
        services.procurement_file(user=a.hrss, procurement=procurement)
    services.procurement_file(user=a.office, procurement=procurement)
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.FILED


# --- award -----------------------------------------------------------------------------------


def test_a_failed_qualification_check_blocks_the_award_and_is_kept(world):
    a, _ = world
    province = a.city.parent
    c = build_city(province, "139903", qualified=False)
    procurement = published(c)
    with pytest.raises(ValidationError) as error:
        services.procurement_award(
            user=c.hrss,
            procurement=procurement,
            winner=c.trainer,
            amount="400000.00",
            notice_date=NOTICE,
            notice_file=pdf(),
        )
    assert error.value.error_dict["winner"][0].code == "qualification_failed"
    assert "HB §10" in error.value.message_dict["winner"][0]
    assert not Award.unscoped.filter(procurement=procurement).exists()
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.PUBLISHED
    record = QualificationCheckRecord.unscoped.get(organisation=c.trainer)
    assert record.passed is False
    assert not Deadline.unscoped.filter(project=c.project).exists()


def test_the_award_keeps_the_passed_check_and_gives_the_winner_its_plan_to_submit(world):
    a, _ = world
    procurement, award = awarded(a)
    assert award.qualification_record.passed is True
    assert award.agency_type == "offline_training"
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.AWARDED
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.CONTRACT
    assert ProjectParticipant.objects.filter(
        project=a.project, role=ParticipantRole.IMPLEMENTER, organisation=a.trainer
    ).exists()
    deadline = _deadline(award, "plan_submission")
    assert deadline.starts_on == NOTICE
    assert deadline.owner_role == "implementer"
    assert deadline.owner_organisation == a.trainer
    # The office's review runs only once there is a plan (see test_plan_deadlines).
    assert not Deadline.unscoped.filter(rule__code="plan_review", subject_id=award.pk).exists()


def test_the_award_is_refused_whole_when_the_calendar_does_not_cover_it(world, monkeypatch):
    a, _ = world
    procurement = published(a)

    class Uncovered:
        def due_date(self, rule, start):
            raise CalendarNotCovered(2027)

    monkeypatch.setattr("apps.deadlines.services.current_calendar", lambda: Uncovered())
    with pytest.raises(ValidationError) as error:
        services.procurement_award(
            user=a.hrss,
            procurement=procurement,
            winner=a.trainer,
            amount="400000.00",
            notice_date=NOTICE,
            notice_file=pdf(),
        )
    assert "2027" in " ".join(error.value.messages)
    assert not Award.unscoped.exists()
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.PUBLISHED
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.PROCUREMENT


@pytest.mark.parametrize(
    ("amount", "field"), [("480000.01", "amount"), ("0", "amount"), ("abc", "amount")]
)
def test_award_amount_checks(world, amount, field):
    a, _ = world
    procurement = published(a)
    with pytest.raises(ValidationError) as error:
        services.procurement_award(
            user=a.hrss,
            procurement=procurement,
            winner=a.trainer,
            amount=amount,
            notice_date=NOTICE,
            notice_file=pdf(),
        )
    assert field in error.value.message_dict


# --- plan review and the agreement deadline ---------------------------------------------------


def test_approval_meets_the_plan_review_and_starts_the_15_days(world):
    a, _ = world
    _procurement, award = approved(a)
    review = _deadline(award, "plan_review")
    assert review.status == DeadlineStatus.MET and review.late is False
    agreement = _deadline(award, "agreement_and_advance")
    assert agreement.starts_on == APPROVED  # later than the notice
    assert agreement.due_on == APPROVED + datetime.timedelta(days=15)
    assert agreement.owner_role == "si_agency"
    assert agreement.owner_organisation == a.si_agency.organisation


def test_the_15_days_run_from_the_notice_when_it_is_the_later(world):
    a, _ = world
    notice = datetime.date(2026, 11, 6)
    _procurement, award = approved(a, notice_date=notice, reviewed_on=datetime.date(2026, 11, 5))
    assert _deadline(award, "agreement_and_advance").starts_on == notice


def test_a_returned_plan_needs_reasons_and_a_new_version(world):
    a, _ = world
    _procurement, award = awarded(a)
    plan = services.plan_submit(user=a.implementer, award=award, uploaded_file=pdf())
    with pytest.raises(ValidationError):
        services.plan_submit(user=a.implementer, award=award, uploaded_file=pdf())
    with pytest.raises(ValidationError):
        services.plan_review(user=a.office, plan=plan, approve=False, note="")
    services.plan_review(user=a.office, plan=plan, approve=False, note="培训场次安排不具体")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert _deadline(award, "plan_review").status == DeadlineStatus.MET
    second = services.plan_submit(user=a.implementer, award=award, uploaded_file=pdf())
    assert second.version == 2


def test_a_late_approval_meets_the_plan_review_late_with_a_finding(world):
    a, _ = world
    _procurement, award = approved(a, reviewed_on=datetime.date(2026, 11, 12))
    review = _deadline(award, "plan_review")
    assert review.status == DeadlineStatus.MET and review.late is True
    assert review.findings.exists()


# --- traceability ----------------------------------------------------------------------------


def test_traceability_rows_map_requirements_to_criteria(world):
    a, b = world
    draft(a, requirements=2)
    rows = traceability_rows(user=a.office, project=a.project)
    assert [r.requirement.number for r in rows] == [1, 2]
    assert all(r.requirement.acceptance_criterion for r in rows)
    assert rows[0].evidence == [] and rows[0].verdict is None
    assert "一线作业人员" in rows[0].details[0]
    assert traceability_rows(user=b.office, project=a.project) == []
