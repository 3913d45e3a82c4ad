"""Demo of determination: 唐山's 2027 call taken from its closed expert review to the
province's published annual arrangement, through the same services the pages use.

Runs only once the review of that call is closed with proposed results (the review demo
does that); otherwise it does nothing. Idempotent: each step runs only if the chain has not
passed it yet, so a second run changes nothing.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.calls.models import AnnualCall
from apps.determination import services
from apps.determination.models import (
    AnnualArrangement,
    ArrangementStatus,
    Determination,
    DeterminationStatus,
)
from apps.review.models import ReviewResult, ReviewRound, RoundStatus
from demo.review import CALL_TITLE


def _minutes_pdf() -> ContentFile:
    from demo.seed import MINIMAL_PDF

    return ContentFile(MINIMAL_PDF, name="唐山市联席会议纪要.pdf")


@transaction.atomic
def seed_demo_determination() -> AnnualArrangement | None:
    call = AnnualCall.unscoped.filter(title=CALL_TITLE).select_related("jurisdiction").first()
    if call is None:
        return None
    review_round = ReviewRound.unscoped.filter(call=call, status=RoundStatus.CLOSED).first()
    if (
        review_round is None
        or not ReviewResult.unscoped.filter(round=review_round, proposed=True).exists()
    ):
        return None
    users = {
        u.username: u
        for u in User.unscoped.filter(
            username__in=["ts_office", "ts_hrss", "prov_office"]
        ).select_related("organisation__jurisdiction")
    }
    if len(users) != 3:
        return None
    office, hrss = users["ts_office"], users["ts_hrss"]
    determination = Determination.unscoped.filter(call=call).first()
    if determination is None:
        determination = services.determination_propose(user=office, call=call)
    if determination.status == DeterminationStatus.PROPOSED:
        units = Organisation.unscoped.filter(kind="member_unit", jurisdiction=call.jurisdiction)
        services.determination_record_meeting(
            user=office,
            determination=determination,
            held_on=timezone.localdate(),
            place="唐山市人力资源和社会保障局三楼会议室",
            minutes=(
                "会议听取了市领导小组办公室关于2027年度工伤预防项目建议的汇报，"
                "逐项审查了专家评审排名靠前的项目，同意报请市人力资源和社会保障局审核确定。"
            ),
            minutes_upload=_minutes_pdf(),
            attendees=[
                {"organisation": unit, "person_name": "高远", "position": "副局长"}
                for unit in units
            ],
            decisions={
                entry.pk: {"agreed": True, "reason": ""}
                for entry in services.current_entries(determination)
            },
        )
    if determination.status == DeterminationStatus.MEETING_HELD:
        services.determination_submit(user=office, determination=determination)
    if determination.status == DeterminationStatus.SUBMITTED:
        services.determination_decide(
            user=hrss,
            determination=determination,
            approve=True,
            opinion="经审核，同意联席会议审查通过的项目。",
        )
    if determination.status == DeterminationStatus.APPROVED:
        services.determination_file(user=office, determination=determination)
    province_office = users["prov_office"]
    province = province_office.organisation.jurisdiction
    arrangement = AnnualArrangement.unscoped.filter(province=province, year=call.year).first()
    if arrangement is None or arrangement.status == ArrangementStatus.DRAFT:
        arrangement = services.arrangement_compile(
            user=province_office, province=province, year=call.year
        )
        services.arrangement_publish(user=province_office, arrangement=arrangement)
    return arrangement
