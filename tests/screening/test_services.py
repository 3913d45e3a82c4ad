from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from apps.screening.models import Indicator, PreliminaryReview, ReviewRevision, SimilarityPair
from apps.screening.services import (
    preliminary_review_decide,
    preliminary_review_revise,
    screening_run,
)
from tests.applications.builders import applicant_user, submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OWN_WORDS = [
    "我公司承建的高层住宅项目近两年发生高处坠落事故七起，主要集中在外脚手架拆除阶段。"
    "项目部计划引入智能安全帽和电子围栏，对临边洞口实行挂牌销号管理。",
    "化工园区储罐区的有限空间作业频繁，去年发生一起硫化氢中毒险情，暴露出监护人制度执行不到位。"
    "本次培训邀请应急管理专家讲解气体检测仪使用，并组织正压式空气呼吸器实操考核。",
    "精工机械车间冲压设备四十六台，手指压伤占全部工伤的六成，光电保护装置老化严重。"
    "我们将推行上锁挂牌程序，车间主任带头签订安全承诺书，并按月公布违章积分排名。",
]
# Enough own words per application for the copy check to assess (the call's minimum own
# text): each applicant's paragraph goes on with more of its own.
OWN_WORDS = [
    words + more
    for words, more in zip(
        OWN_WORDS,
        [
            "塔吊司机和信号工的配合失误去年造成两次吊物坠落，幸未伤人。我们请老师傅录制口令示范视频，"
            "新工人进场第一周必须跟班学习，考核通过后才能单独上岗。",
            "夜班操作人员对报警阈值的理解参差不齐，有人把低限报警当作仪表故障。培训将结合本厂三年来的"
            "报警记录逐条讲解，并在中控室张贴处置流程卡。",
            "老员工习惯用脚踏开关连续冲压，拆除保护罩的情况屡禁不止。车间将把安全装置完好率纳入班组"
            "绩效，每周由设备员抽查，发现拆改当日停机整改。",
        ],
        strict=True,
    )
]


def _narrative(text: str) -> dict:
    """Every narrative section written from one applicant's own words (rotated per section)."""
    from tests.applications.builders import NARRATIVE

    return {name: text[i * 3 :] + text[: i * 3] for i, name in enumerate(NARRATIVE)}


@pytest.fixture
def call():
    return CallFactory(min_awareness_rate=Decimal("85"))


@pytest.fixture
def office(call):
    return UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)


def _review(application):
    return PreliminaryReview.unscoped.get(application=application)


def _verdict(application, indicator):
    return _review(application).verdicts.get(indicator=indicator)


def _check(application, indicator, code):
    return next(c for c in _verdict(application, indicator).checks if c["code"] == code)


ALL_PASS = {code: {"passed": True, "reason": ""} for code in ("P1", "P2", "P3", "P4")}


def test_large_enterprise_with_everything_in_order_passes_all_four(call):
    application, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[0]))
    screening_run(call=call)
    verdicts = {v.indicator: v.computed_pass for v in _review(application).verdicts.all()}
    assert verdicts == {"P1": True, "P2": True, "P3": True, "P4": True}


def test_small_enterprise_fails_p1_with_the_deciding_rule_shown(call):
    application, _ = submitted_application(
        call,
        fields={
            "enterprise_industry": "industry",
            "employees": 80,
            "revenue_wan": Decimal("1500"),
            "assets_wan": Decimal("800"),
        },
    )
    screening_run(call=call)
    size = _check(application, "P1", "size")
    assert size["passed"] is False
    assert "小型" in size["detail"] and "从业人员 80 人" in size["detail"]


def test_industry_association_is_eligible_by_kind(call):
    user = applicant_user(call, kind="industry_association")
    application, _ = submitted_application(call, user, fields={"employees": 3})
    screening_run(call=call)
    assert _check(application, "P1", "size")["passed"] is True


def test_missing_size_figures_leave_p1_to_the_reviewer(call):
    application, _ = submitted_application(call, fields={"revenue_wan": None})
    screening_run(call=call)
    assert _check(application, "P1", "size")["passed"] is None
    assert _verdict(application, "P1").computed_pass is None


def test_targets_below_the_calls_minimum_fail_p3(call):
    application, _ = submitted_application(call, fields={"awareness_rate": Decimal("80")})
    screening_run(call=call)
    targets = _check(application, "P3", "targets")
    assert targets["passed"] is False and "80" in targets["detail"]


def test_the_per_applicant_count_is_shown_as_evidence_in_p3(call):
    application, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[0]))
    screening_run(call=call)
    count = _check(application, "P3", "count")
    assert count["passed"] is True
    assert "1" in count["detail"]


def test_copies_are_flagged_p4_and_an_independent_application_is_not(call):
    original, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[1]))
    copy, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[1]))
    honest, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[2]))
    screening_run(call=call)
    assert _verdict(copy, "P4").computed_pass is False
    assert _verdict(original, "P4").computed_pass is False
    assert _verdict(honest, "P4").computed_pass is True
    pair = SimilarityPair.unscoped.get(application=copy, other=original)
    assert pair.score >= call.similarity_threshold


def test_confirming_the_platforms_verdicts_needs_no_reason(call, office):
    application, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[0]))
    screening_run(call=call)
    preliminary_review_decide(reviewer=office, review=_review(application), decisions=ALL_PASS)
    application.refresh_from_db()
    assert application.status == "screening_passed"


def test_overriding_needs_a_reason_and_one_failure_fails_the_application(call, office):
    application, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[0]))
    screening_run(call=call)
    review = _review(application)
    decisions = {**ALL_PASS, "P4": {"passed": False, "reason": ""}}
    with pytest.raises(ValidationError) as exc:
        preliminary_review_decide(reviewer=office, review=review, decisions=decisions)
    assert "P4" in exc.value.message_dict
    decisions["P4"] = {"passed": False, "reason": "与往年申报材料雷同"}
    preliminary_review_decide(reviewer=office, review=review, decisions=decisions)
    application.refresh_from_db()
    review.refresh_from_db()
    assert application.status == "screening_failed"
    assert "与往年申报材料雷同" in review.summary


def test_every_indicator_must_be_decided(call, office):
    application, _ = submitted_application(call)
    screening_run(call=call)
    with pytest.raises(ValidationError):
        preliminary_review_decide(
            reviewer=office,
            review=_review(application),
            decisions={"P1": {"passed": True, "reason": ""}},
        )


def test_office_of_another_city_cannot_decide_or_run(call):
    application, _ = submitted_application(call)
    screening_run(call=call)
    stranger = UserFactory(role="office")
    with pytest.raises(PermissionDenied):
        preliminary_review_decide(
            reviewer=stranger, review=_review(application), decisions=ALL_PASS
        )
    with pytest.raises(PermissionDenied):
        screening_run(call=call, user=stranger)


def test_decided_reviews_are_not_recomputed(call, office):
    application, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[0]))
    screening_run(call=call)
    preliminary_review_decide(reviewer=office, review=_review(application), decisions=ALL_PASS)
    screening_run(call=call)
    assert _verdict(application, "P1").final_pass is True
    assert _review(application).outcome == "passed"


def test_applicant_sees_the_outcome_and_reasons(call, office, client):
    application, user = submitted_application(call)
    screening_run(call=call)
    decisions = {**ALL_PASS, "P4": {"passed": False, "reason": "与他人申报材料雷同"}}
    preliminary_review_decide(reviewer=office, review=_review(application), decisions=decisions)
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "与他人申报材料雷同" in page


# --- P4 compares with other units only (SZ P4: 与其它单位提交的申报材料) ----------------------


def _earlier_call(call):
    return CallFactory(jurisdiction=call.jurisdiction, year=call.year - 1)


def test_an_applicants_own_earlier_year_text_is_not_a_copy(call):
    earlier, user = submitted_application(_earlier_call(call), narrative=_narrative(OWN_WORDS[1]))
    application, _ = submitted_application(call, user, narrative=_narrative(OWN_WORDS[1]))
    screening_run(call=call)
    assert _verdict(application, "P4").computed_pass is True
    assert not SimilarityPair.unscoped.filter(application=application, other=earlier).exists()


def test_another_units_earlier_year_text_is_still_a_copy(call):
    earlier, _ = submitted_application(_earlier_call(call), narrative=_narrative(OWN_WORDS[1]))
    application, _ = submitted_application(call, narrative=_narrative(OWN_WORDS[1]))
    screening_run(call=call)
    assert _verdict(application, "P4").computed_pass is False
    assert SimilarityPair.unscoped.filter(application=application, other=earlier).exists()


def test_an_applicants_own_withdrawn_text_is_not_a_copy(call):
    from apps.applications.services import application_withdraw

    withdrawn, user = submitted_application(call, narrative=_narrative(OWN_WORDS[1]))
    application_withdraw(user=user, application=withdrawn)
    application, _ = submitted_application(call, user, narrative=_narrative(OWN_WORDS[1]))
    screening_run(call=call)
    assert _verdict(application, "P4").computed_pass is True


# --- P2② sealed scan, P3② service scope (computed, with evidence) ---------------------------


def test_a_missing_sealed_scan_fails_p2_with_the_reason(call):
    application, _ = submitted_application(call, sealed_scan=False)
    screening_run(call=call)
    scan = _check(application, "P2", "sealed_scan")
    assert scan["passed"] is False
    with translation.override(settings.LANGUAGE_CODE):
        assert scan["detail"] == gettext(
            "No scan of the signed and sealed application form is attached."
        )
    assert _verdict(application, "P2").computed_pass is False


def test_an_attached_sealed_scan_is_named_as_the_evidence(call):
    application, _ = submitted_application(call)
    screening_run(call=call)
    scan = _check(application, "P2", "sealed_scan")
    assert scan["passed"] is True
    assert application.number in scan["detail"]


def test_a_service_scope_outside_the_calls_key_industries_fails_p3(call):
    from tests.factories import KeyIndustryFactory

    elsewhere = KeyIndustryFactory(
        province=call.jurisdiction.root, code="catering", name="餐饮住宿"
    )
    application, _ = submitted_application(call, fields={"service_industries": [elsewhere]})
    screening_run(call=call)
    scope = _check(application, "P3", "service_scope")
    assert scope["passed"] is False
    assert "餐饮住宿" in scope["detail"]
    assert call.key_industries.first().name in scope["detail"]


def test_a_service_scope_within_the_calls_key_industries_passes_p3(call):
    application, _ = submitted_application(call)
    screening_run(call=call)
    scope = _check(application, "P3", "service_scope")
    assert scope["passed"] is True
    assert call.key_industries.first().name in scope["detail"]


# --- the applicant reads why, in Chinese, and is notified -----------------------------------


def test_a_confirmed_failure_gives_the_failed_checks_as_the_reason(call, office):
    application, _ = submitted_application(call, sealed_scan=False)
    screening_run(call=call)
    decisions = {**ALL_PASS, "P2": {"passed": False, "reason": ""}}
    review = preliminary_review_decide(
        reviewer=office, review=_review(application), decisions=decisions
    )
    with translation.override(settings.LANGUAGE_CODE):
        missing = gettext("No scan of the signed and sealed application form is attached.")
    assert missing in _verdict(application, "P2").reason
    assert missing in review.summary
    assert "not met" not in review.summary


def test_the_rejected_applicant_reads_the_reasons_in_chinese(call, office, client):
    application, user = submitted_application(call, sealed_scan=False)
    screening_run(call=call)
    decisions = {**ALL_PASS, "P2": {"passed": False, "reason": ""}}
    preliminary_review_decide(reviewer=office, review=_review(application), decisions=decisions)
    client.force_login(user)
    page = client.get(
        f"/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    with translation.override("zh-hans"):
        expected = gettext("No scan of the signed and sealed application form is attached.")
        indicator = str(Indicator.FORMAL_COMPLETENESS.label)
    assert expected in page and indicator in page
    assert "not met" not in page
    assert "sealed_scan" not in page and "sealed_form" not in page


def test_the_applicant_is_notified_of_the_decision(call, office):
    from apps.deadlines.models import Notification

    application, user = submitted_application(call, sealed_scan=False)
    screening_run(call=call)
    decisions = {**ALL_PASS, "P2": {"passed": False, "reason": ""}}
    preliminary_review_decide(reviewer=office, review=_review(application), decisions=decisions)
    notification = Notification.objects.get(recipient=user)
    assert application.number in notification.message
    with translation.override(settings.LANGUAGE_CODE):
        missing = gettext("No scan of the signed and sealed application form is attached.")
    assert missing in notification.message


# --- a decision can be revised with a reason until the screening round closes ---------------


def _rejected(call, office):
    application, user = submitted_application(call, sealed_scan=False)
    screening_run(call=call)
    decisions = {**ALL_PASS, "P2": {"passed": False, "reason": ""}}
    preliminary_review_decide(reviewer=office, review=_review(application), decisions=decisions)
    return application, user


def test_a_decision_is_revised_with_its_reason_kept_and_audited(call, office):
    from apps.audit.models import AuditEntry

    application, _ = _rejected(call, office)
    decisions = {**ALL_PASS, "P2": {"passed": True, "reason": "盖章扫描件已线下核验"}}
    revise_reason = "申请人提交了纸质盖章申请表原件"
    preliminary_review_revise(
        reviewer=office, review=_review(application), decisions=decisions, reason=revise_reason
    )
    application.refresh_from_db()
    assert application.status == "screening_passed"
    revision = ReviewRevision.objects.get(review=_review(application))
    assert (revision.outcome_before, revision.outcome_after) == ("failed", "passed")
    assert revision.verdicts_before["P2"]["passed"] is False
    assert AuditEntry.unscoped.filter(
        object_type="applications.Application",
        object_id=str(application.pk),
        message__contains=revise_reason,
    ).exists()


def test_a_revision_needs_a_reason(call, office):
    application, _ = _rejected(call, office)
    with pytest.raises(ValidationError) as exc:
        preliminary_review_revise(
            reviewer=office, review=_review(application), decisions=ALL_PASS, reason=" "
        )
    assert "revision_reason" in exc.value.message_dict
    application.refresh_from_db()
    assert application.status == "screening_failed"


def test_no_revision_once_the_expert_review_has_started(call, office):
    from apps.review.models import ReviewRound

    application, _ = _rejected(call, office)
    ReviewRound.objects.create(call=call, rubric_code="shenzhen-2027")
    with pytest.raises(ValidationError):
        preliminary_review_revise(
            reviewer=office,
            review=_review(application),
            decisions={**ALL_PASS, "P2": {"passed": True, "reason": "已核验"}},
            reason="纸质原件已核验",
        )
