"""A province with two cities, each with a call whose expert review is closed with proposed
results — built directly (ReviewResult rows), without expert scoring."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.roles import OrganisationKind, Role
from apps.applications.models import Application, ApplicationStatus
from apps.determination import services
from apps.review.models import ReviewResult, ReviewRound, RoundStatus
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import CityFactory, OrganisationFactory, ProvinceFactory, UserFactory

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def minutes_file(name="联席会议纪要.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def money_tables(amount: Decimal, start: datetime.date, end: datetime.date) -> dict:
    half = (amount / 2).quantize(Decimal("0.01"))
    line = {"unit": "项", "quantity": Decimal("1"), "standard": "参照本市支出标准"}
    return {
        "fields": {"amount_requested": amount, "start_date": start, "end_date": end},
        "tables": {
            "stages": [
                {"name": "筹备", "start_date": start, "end_date": start, "goal": "完成筹备"},
                {"name": "实施", "start_date": start, "end_date": end, "goal": "完成培训"},
            ],
            "budget_lines": [
                {**line, "item": "师资课酬", "unit_cost": half, "amount": half},
                {**line, "item": "教材印制", "unit_cost": amount - half, "amount": amount - half},
            ],
        },
    }


@dataclass
class City:
    jurisdiction: object
    call: object
    office: object
    hrss: object
    member_unit: object  # an Organisation of kind member_unit
    member_user: object
    applications: list = field(default_factory=list)
    results: list = field(default_factory=list)


def reviewed_city(
    *,
    name: str | None = None,
    amounts=(Decimal("400000.00"), Decimal("300000.00")),
    schedules=None,
    proposed=None,
) -> City:
    """A city whose 2027 call is closed and reviewed: one application per amount, ranked in
    that order, all proposed unless `proposed` says otherwise."""
    kwargs = {"parent": ProvinceFactory()}
    if name:
        kwargs["name"] = name
    jurisdiction = CityFactory(**kwargs)
    call = CallFactory(jurisdiction=jurisdiction, rubric_code="hebei-2027")
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=jurisdiction)
    hrss = UserFactory(role=Role.HRSS, organisation__jurisdiction=jurisdiction)
    unit = OrganisationFactory(
        kind=OrganisationKind.MEMBER_UNIT,
        jurisdiction=jurisdiction,
        name=f"{jurisdiction}应急管理局",
    )
    member_user = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    city = City(jurisdiction, call, office, hrss, unit, member_user)
    for index, amount in enumerate(amounts):
        start, end = (schedules or {}).get(
            index, (datetime.date(call.year, 3, 1), datetime.date(call.year, 11, 30))
        )
        application, _user = submitted_application(call, **money_tables(amount, start, end))
        city.applications.append(application)
    Application.unscoped.filter(call=call).update(status=ApplicationStatus.SCREENING_PASSED)
    call.status = "closed"
    call.save(update_fields=["status"])
    review_round = ReviewRound.unscoped.create(
        call=call, rubric_code="hebei-2027", status=RoundStatus.CLOSED, closed_at=timezone.now()
    )
    for rank, application in enumerate(city.applications, start=1):
        score = Decimal("90") - rank
        city.results.append(
            ReviewResult.unscoped.create(
                round=review_round,
                application=application,
                expert_count=3,
                base_score=score,
                final_score=score,
                rank=rank,
                amount=application.amount_requested,
                proposed=True if proposed is None else proposed[rank - 1],
            )
        )
    return city


def province_office():
    province = ProvinceFactory()
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=province)


def province_member_unit():
    province = ProvinceFactory()
    unit = OrganisationFactory(
        kind=OrganisationKind.MEMBER_UNIT, jurisdiction=province, name="省应急管理厅"
    )
    return UserFactory(role=Role.MEMBER_UNIT, organisation=unit)


def record_meeting(city: City, determination, *, refuse=()):
    decisions = {
        entry.pk: (
            {"agreed": False, "reason": "与既有项目重复"}
            if entry.application in refuse
            else {"agreed": True, "reason": ""}
        )
        for entry in services.current_entries(determination)
    }
    return services.determination_record_meeting(
        user=city.office,
        determination=determination,
        held_on=timezone.localdate(),
        place="市人社局会议室",
        minutes="会议审查了项目建议，同意报请审核。",
        minutes_upload=minutes_file(),
        attendees=[{"organisation": city.member_unit, "person_name": "陈晨", "position": "副局长"}],
        decisions=decisions,
    )


def run_to(city: City, target: str, *, refuse=()):
    """Takes the city's determination along the chain up to `target` (a status)."""
    determination = services.determination_propose(user=city.office, call=city.call)
    d = determination
    steps = [
        ("meeting_held", lambda: record_meeting(city, d, refuse=refuse)),
        ("submitted", lambda: services.determination_submit(user=city.office, determination=d)),
        (
            "approved",
            lambda: services.determination_decide(
                user=city.hrss, determination=d, approve=True, opinion="同意"
            ),
        ),
        ("filed", lambda: services.determination_file(user=city.office, determination=d)),
    ]
    if target == "proposed":
        return determination
    for status, step in steps:
        step()
        determination.refresh_from_db()
        if status == target:
            break
    return determination
