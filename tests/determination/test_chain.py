"""The determination chain (HB §6): each step by its role and at its own level only."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.determination import services
from apps.determination.models import (
    ApprovalDecision,
    BudgetYear,
    Determination,
    FiledProject,
    JointMeeting,
)
from apps.projects.models import Project, ProjectParticipant
from apps.review.models import ReviewResult
from tests.factories import UserFactory

from .builders import minutes_file, province_office, record_meeting, reviewed_city, run_to

pytestmark = pytest.mark.django_db


def test_proposal_freezes_the_reviews_proposed_list():
    city = reviewed_city(proposed=[True, False])
    determination = services.determination_propose(user=city.office, call=city.call)
    entries = list(services.current_entries(determination))
    assert [e.application for e in entries] == [city.applications[0]]
    entry = entries[0]
    assert (entry.rank, entry.final_score, entry.amount) == (1, Decimal("89"), Decimal("400000"))
    # Later changes of the review do not change the frozen proposal.
    ReviewResult.unscoped.filter(pk=city.results[0].pk).update(amount=Decimal("1.00"))
    entry.refresh_from_db()
    assert entry.amount == Decimal("400000.00")
    assert determination.status == "proposed"


def test_proposal_needs_a_closed_review():
    city = reviewed_city(amounts=(Decimal("100000.00"),))
    city.results[0].round.status = "scoring"
    city.results[0].round.save()
    with pytest.raises(ValidationError):
        services.determination_propose(user=city.office, call=city.call)
    assert not Determination.unscoped.exists()


def test_proposal_within_the_years_fund_total():
    city = reviewed_city()
    city.call.budget_total = Decimal("500000.00")
    city.call.max_amount_per_application = Decimal("500000.00")
    city.call.save()
    with pytest.raises(ValidationError, match="700000"):
        services.determination_propose(user=city.office, call=city.call)
    assert not Determination.unscoped.exists()


@pytest.mark.parametrize(
    "who", ["hrss", "member", "other_city_office", "province_office", "applicant"]
)
def test_only_the_citys_own_office_proposes(who):
    city = reviewed_city()
    other = reviewed_city(amounts=(Decimal("100000.00"),))
    users = {
        "hrss": city.hrss,
        "member": city.member_user,
        "other_city_office": other.office,
        "province_office": province_office(),
        "applicant": UserFactory(role=Role.APPLICANT),
    }
    with pytest.raises(PermissionDenied):
        services.determination_propose(user=users[who], call=city.call)


def test_meeting_records_attendees_minutes_and_decisions():
    city = reviewed_city()
    determination = services.determination_propose(user=city.office, call=city.call)
    meeting = record_meeting(city, determination, refuse=[city.applications[1]])
    determination.refresh_from_db()
    assert determination.status == "meeting_held"
    assert meeting.minutes_file.current_version.original_name == "联席会议纪要.pdf"
    assert [a.person_name for a in meeting.attendees.all()] == ["陈晨"]
    decisions = {
        e.application: (e.meeting_agreed, e.meeting_reason)
        for e in meeting.determination.entries.all()
    }
    assert decisions[city.applications[0]] == (True, "")
    assert decisions[city.applications[1]] == (False, "与既有项目重复")


def test_meeting_refusal_needs_a_reason_and_nothing_is_half_saved():
    city = reviewed_city()
    determination = services.determination_propose(user=city.office, call=city.call)
    entries = list(services.current_entries(determination))
    with pytest.raises(ValidationError) as error:
        services.determination_record_meeting(
            user=city.office,
            determination=determination,
            held_on=None,
            place="",
            minutes="纪要",
            minutes_upload=minutes_file(),
            attendees=[{"organisation": city.member_unit, "person_name": ""}],
            decisions={entries[0].pk: {"agreed": False, "reason": " "}},
        )
    errors = error.value.message_dict
    expected = {"held_on", "place", "attendees"} | {f"entry-{e.pk}" for e in entries}
    assert expected <= set(errors)
    determination.refresh_from_db()
    assert determination.status == "proposed"
    assert not JointMeeting.objects.exists()


def test_meeting_attendee_must_be_a_member_unit_of_the_same_city():
    city = reviewed_city()
    other = reviewed_city(amounts=(Decimal("100000.00"),))
    determination = services.determination_propose(user=city.office, call=city.call)
    with pytest.raises(ValidationError) as error:
        services.determination_record_meeting(
            user=city.office,
            determination=determination,
            held_on=determination.proposed_at.date(),
            place="会议室",
            minutes="纪要",
            minutes_upload=minutes_file(),
            attendees=[{"organisation": other.member_unit, "person_name": "某人"}],
            decisions={e.pk: {"agreed": True} for e in services.current_entries(determination)},
        )
    assert "attendees" in error.value.message_dict


@pytest.mark.parametrize("who", ["office", "member", "other_city_hrss", "province_hrss"])
def test_only_the_same_citys_hrss_approves(who):
    city = reviewed_city()
    other = reviewed_city(amounts=(Decimal("100000.00"),))
    determination = run_to(city, "submitted")
    users = {
        "office": city.office,
        "member": city.member_user,
        "other_city_hrss": other.hrss,
        "province_hrss": UserFactory(
            role=Role.HRSS, organisation__jurisdiction=city.jurisdiction.parent
        ),
    }
    with pytest.raises(PermissionDenied):
        services.determination_decide(
            user=users[who], determination=determination, approve=True, opinion="同意"
        )
    determination.refresh_from_db()
    assert determination.status == "submitted"


def test_return_needs_reasons_then_office_revises_a_new_revision():
    city = reviewed_city()
    determination = run_to(city, "submitted")
    with pytest.raises(ValidationError):
        services.determination_decide(
            user=city.hrss, determination=determination, approve=False, opinion="  "
        )
    determination.refresh_from_db()
    assert determination.status == "submitted"
    assert not ApprovalDecision.objects.exists()

    services.determination_decide(
        user=city.hrss, determination=determination, approve=False, opinion="第二个项目预算偏高"
    )
    assert determination.status == "returned"
    with pytest.raises(PermissionDenied):
        services.determination_revise(user=city.hrss, determination=determination)
    # The office changes the review's proposal (with a reason) and revises.
    ReviewResult.unscoped.filter(pk=city.results[1].pk).update(proposed=False)
    services.determination_revise(user=city.office, determination=determination)
    assert (determination.status, determination.revision) == ("proposed", 2)
    assert [e.application for e in services.current_entries(determination)] == [
        city.applications[0]
    ]
    assert determination.entries.filter(revision=1).count() == 2  # the first one is kept
    transitions = AuditEntry.unscoped.filter(
        action="transition", object_type="determination.Determination"
    )
    assert transitions.count() == 4


def test_submit_needs_an_agreed_project():
    city = reviewed_city(amounts=(Decimal("100000.00"),))
    determination = services.determination_propose(user=city.office, call=city.call)
    record_meeting(city, determination, refuse=city.applications)
    with pytest.raises(ValidationError):
        services.determination_submit(user=city.office, determination=determination)


def test_steps_out_of_order_are_refused():
    city = reviewed_city()
    determination = services.determination_propose(user=city.office, call=city.call)
    with pytest.raises(ValidationError):
        services.determination_file(user=city.office, determination=determination)
    with pytest.raises(ValidationError):
        services.determination_decide(user=city.hrss, determination=determination, approve=True)


def test_filing_snapshots_the_application_and_creates_the_project():
    city = reviewed_city()
    determination = run_to(city, "filed", refuse=[city.applications[1]])
    assert determination.status == "filed"
    filed = FiledProject.unscoped.get()
    application = city.applications[0]
    assert filed.application == application
    assert filed.feasibility["necessity"] == application.necessity
    assert filed.feasibility["project_name"] == application.project_name
    assert [s["name"] for s in filed.plan_stages] == ["筹备", "实施"]
    assert filed.targets["awareness_rate"] == "92.00"
    assert sum(Decimal(b["amount"]) for b in filed.budget_lines) == Decimal("400000.00")
    project = filed.project
    assert project.code == f"XM-{application.number}"
    assert (project.stage, project.budget_amount, project.year) == (
        "determination",
        Decimal("400000.00"),
        2027,
    )
    assert project.jurisdiction == city.jurisdiction
    assert ProjectParticipant.objects.get(project=project).organisation == application.applicant
    assert [(y.year, y.amount) for y in BudgetYear.unscoped.filter(project=project)] == [
        (2027, Decimal("400000.00"))
    ]
    # The filed copy does not follow later edits of the application.
    type(application).unscoped.filter(pk=application.pk).update(necessity="改过的文字")
    filed.refresh_from_db()
    assert filed.feasibility["necessity"] != "改过的文字"
    assert Project.unscoped.count() == 1  # the refused project is not created


def test_province_office_sees_but_does_not_act_for_a_city():
    city = reviewed_city()
    determination = run_to(city, "approved")
    with pytest.raises(PermissionDenied):
        services.determination_file(user=province_office(), determination=determination)
    assert Determination.objects.for_user(province_office()).filter(pk=determination.pk).exists()
