"""Periodic supervision-evaluation reports (HB §19, §20): the platform's own figures of the
period are read into the report when it is submitted (training: sessions, attendance against
the rosters, exam pass rate, teachers on file, recordings; promotion: records of the period and
the procured quantities delivered; the agency's questionnaires), beside the evaluator's
sections; the office of the project's level reviews or returns it."""

import datetime
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.implementation.models import PromotionRecord
from apps.supervision import services
from apps.supervision.models import PeriodicReport, ReportStatus
from apps.supervision.selectors import PROMOTION_SECTIONS, TRAINING_SECTIONS
from apps.training.models import ExamResult
from tests.implementation.world import session_at
from tests.training.world import trainee_for

from .world import onsite

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
START = datetime.date(2026, 11, 1)
END = datetime.date(2026, 11, 19)


def _sections(spec):
    return {code: f"{code} 评估意见" for code, _label in spec}


def _submit(w, project, spec, **changes):
    data = {
        "period_start": START,
        "period_end": END,
        "sections": _sections(spec),
        "conclusion": "本期实施基本符合服务协议",
    } | changes
    return services.report_submit(user=w.evaluator, project=project, **data)


def test_a_training_report_takes_in_the_platforms_figures_of_the_period(world):
    a, _b, _clock = world
    session = session_at(a, datetime.datetime(2026, 11, 10, 1, 0, tzinfo=UTC))
    session_at(a, datetime.datetime(2026, 10, 10, 1, 0, tzinfo=UTC))  # before the period
    holder = types.SimpleNamespace(project=a.project, training_class=session.training_class)
    trainees = [trainee_for(holder, name=f"学员{n}") for n in range(4)]
    for n, trainee in enumerate(trainees[:3]):
        ExamResult.unscoped.create(
            trainee=trainee,
            taken_on=datetime.date(2026, 11, 12),
            score=90 if n else 50,
            passed=bool(n),
            recorded_by=a.agency,
        )
    onsite(a, kind="questionnaire", respondents=40, aware=30, satisfied=36)
    onsite(a, kind="questionnaire", respondents=60, aware=50, satisfied=54)

    report = _submit(a, a.project, TRAINING_SECTIONS)
    training = report.figures["training"]
    assert training["sessions"] == 1
    assert (training["attendance_expected"], training["attendance_present"]) == (4, 0)
    assert training["attendance_rate"] == "0.00"
    assert (training["exams_taken"], training["exams_passed"]) == (3, 2)
    assert training["exam_pass_rate"] == "66.67"
    assert training["teachers"] == 0 and training["recordings"] == 0
    supervision = report.figures["supervision"]
    assert supervision["inspections"]["questionnaire"] == 2
    assert supervision["awareness_rate"] == "80.00"  # (30 + 50) / 100
    assert supervision["satisfaction_rate"] == "90.00"
    assert report.status == ReportStatus.SUBMITTED
    assert set(report.sections) == {code for code, _ in TRAINING_SECTIONS}


def test_a_promotion_report_sets_the_procured_quantities_against_the_records(world):
    a, _b, _clock = world
    for day, quantity in ((5, 1), (25, 1)):
        PromotionRecord.unscoped.create(
            project=a.promo,
            organisation=a.agency.organisation,
            kind="session",
            activity=a.activity,
            what="工伤预防咨询",
            place="人民广场",
            occurred_on=datetime.date(2026, 10 if day == 25 else 11, day),
            quantity=quantity,
            audience="建筑工人",
            audience_count=120,
            recorded_by=a.agency,
        )
    report = _submit(a, a.promo, PROMOTION_SECTIONS)
    promotion = report.figures["promotion"]
    assert promotion["sessions_in_period"] == 1 and promotion["people_reached_in_period"] == 120
    sessions = next(line for line in promotion["quantities"] if line["unit"] == "场")
    assert (sessions["procured"], sessions["delivered"], sessions["shortfall"]) == ("2", 2, "0")
    assert "training" not in report.figures


def test_every_section_and_an_ended_period_are_required(world):
    a, _b, _clock = world
    sections = _sections(TRAINING_SECTIONS) | {"teachers": " "}
    with pytest.raises(ValidationError) as error:
        _submit(a, a.project, TRAINING_SECTIONS, sections=sections, period_end=END.replace(day=21))
    assert {"section_teachers", "period_end"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        _submit(a, a.project, TRAINING_SECTIONS, period_start=END, period_end=START)
    assert "period_end" in error.value.message_dict
    assert not PeriodicReport.unscoped.exists()


def test_the_office_of_the_projects_level_reviews_or_returns_with_a_reason(world):
    a, b, _clock = world
    report = _submit(a, a.project, TRAINING_SECTIONS)
    for user in (b.office, a.evaluator, a.member):
        with pytest.raises(PermissionDenied):
            services.report_review(user=user, report=report, action="review")
    with pytest.raises(ValidationError, match="reason"):
        services.report_review(user=a.office, report=report, action="return")
    services.report_review(user=a.office, report=report, action="review", note="已阅")
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.review_note) == ("reviewed", a.office, "已阅")


def test_only_the_projects_evaluation_agency_reports(world):
    a, b, _clock = world
    with pytest.raises(PermissionDenied):
        services.report_submit(
            user=b.evaluator,
            project=a.project,
            period_start=START,
            period_end=END,
            sections=_sections(TRAINING_SECTIONS),
            conclusion="x",
        )
