"""Demo of a finished expert review: 唐山's 2027 call, closed, screened, scored by five experts
of the provincial pool on the Hebei rubric, ranked within its budget.

The sheets are generated — each application has a quality the experts agree on roughly, each
expert a little noise — but they go through the same services an expert's form does."""

import copy
import random
from decimal import Decimal

from apps.accounts.models import Organisation, User
from apps.accounts.roles import OrganisationKind as K
from apps.accounts.roles import Role
from apps.applications import services as application_services
from apps.calls.models import AnnualCall
from apps.calls.services import call_close, call_create, call_publish
from apps.core.validators import make_unified_social_credit_code
from apps.jurisdictions.models import Jurisdiction, KeyIndustry
from apps.review import services
from apps.review.models import AssignmentStatus, ExpertProfile, ReviewRound
from apps.screening.models import PreliminaryReview
from apps.screening.services import preliminary_review_decide, screening_run
from demo import applications as base

CALL_TITLE = "唐山市2027年度工伤预防项目申报通知"
EXPERTS = [
    ("expert", "专家 王建国", "安全工程、建筑施工"),
    ("expert2", "专家 李秀英", "职业卫生、危险化学品"),
    ("expert3", "专家 张国强", "机械制造、特种设备"),
    ("expert4", "专家 刘雅琴", "宣传培训、新闻传播"),
    ("expert5", "专家 陈志远", "工伤保险、财务预算"),
]
# key, name, kind, SME industry, employees, revenue, assets, key industry, text, amount, quality
APPLICANTS = [
    (
        "ts_steel",
        "唐山冀东精密铸造有限公司",
        K.APPLICANT_ENTERPRISE,
        "industry",
        560,
        "18000",
        "21000",
        "manufacturing",
        "sjz_machinery",
        "380000.00",
        0.85,
    ),
    (
        "ts_chem",
        "唐山海港精细化工有限公司",
        K.APPLICANT_ENTERPRISE,
        "industry",
        310,
        "12000",
        "15000",
        "hazardous_chemicals",
        "sjz_chem",
        "440000.00",
        0.7,
    ),
    (
        "ts_build",
        "唐山市建筑业协会",
        K.INDUSTRY_ASSOCIATION,
        "other",
        15,
        None,
        None,
        "construction",
        "sjz_assoc",
        "300000.00",
        0.6,
    ),
    (
        "ts_works",
        "唐山丰南建工有限公司",
        K.APPLICANT_ENTERPRISE,
        "construction",
        900,
        "40000",
        "50000",
        "construction",
        "sjz_builder",
        "260000.00",
        0.35,
    ),
]


def _experts() -> list[User]:
    organisation = Organisation.unscoped.get(name="河北省工伤预防专家库")
    pool = Jurisdiction.objects.get(code="130000")
    users = []
    for username, full_name, specialities in EXPERTS:
        user = User.unscoped.filter(username=username).first()
        if user is None:
            user = User(
                username=username, full_name=full_name, role=Role.EXPERT, organisation=organisation
            )
            user.set_password(base_password())
            user.save()
        ExpertProfile.objects.get_or_create(
            user=user, defaults={"pool": pool, "specialities": specialities}
        )
        users.append(user)
    return users


def base_password() -> str:
    from demo.seed import DEMO_PASSWORD

    return DEMO_PASSWORD


def _applicant(key, name, kind, serial) -> User:
    organisation = Organisation.unscoped.filter(name=name).first()
    if organisation is None:
        organisation = Organisation.unscoped.create(
            name=name,
            kind=kind,
            jurisdiction=Jurisdiction.objects.get(code="130200"),
            credit_code=make_unified_social_credit_code(
                division="130200", org_body=f"MC{serial:06d}"
            ),
        )
    user = User.unscoped.filter(username=f"applicant_{key}").first()
    if user is None:
        user = User(
            username=f"applicant_{key}",
            full_name=f"{name} 申报专员",
            role=Role.APPLICANT,
            organisation=organisation,
        )
        user.set_password(base_password())
        user.save()
    return user


def _tables(quality: float, amount: Decimal) -> dict:
    """Stronger applicants bring stronger teams and more past projects; the lecturers' line
    takes up what the other lines leave of the amount."""
    tables = copy.deepcopy(base.TABLES)
    lecturers = tables["budget_lines"][0]
    lecturers["amount"] = amount - sum(line["amount"] for line in tables["budget_lines"][1:])
    lecturers["quantity"] = lecturers["amount"] / lecturers["unit_cost"]
    if quality < 0.5:
        tables["team"][0] |= {"title_level": "intermediate", "degree": "bachelor"}
        tables["past_projects"] = tables["past_projects"][:1]
    return tables


def _call(office: User) -> AnnualCall:
    jurisdiction = office.organisation.jurisdiction
    call = call_create(
        user=office,
        jurisdiction=jurisdiction,
        key_industries=list(
            KeyIndustry.objects.filter(
                province=jurisdiction.root,
                code__in=["construction", "hazardous_chemicals", "manufacturing"],
            )
        ),
        year=2027,
        title=CALL_TITLE,
        body=base.CALL_BODY.replace("石家庄", "唐山"),
        allows_training=True,
        allows_promotion=True,
        budget_total=Decimal("1000000.00"),
        max_amount_per_application=Decimal("500000.00"),
        max_applications_per_applicant=1,
        min_awareness_rate=Decimal("85"),
        min_pass_rate=Decimal("90"),
        min_satisfaction_rate=Decimal("85"),
        opens_at=base.datetime.datetime(2026, 9, 1, 9, 0, tzinfo=base.SHANGHAI),
        closes_at=base.datetime.datetime(2026, 12, 31, 17, 0, tzinfo=base.SHANGHAI),
        rubric_code="hebei-2027",
        similarity_threshold=Decimal("0.50"),
    )
    call_publish(user=office, call=call)
    return call


def _applications(call: AnnualCall) -> dict[int, float]:
    texts = base._texts()
    quality = {}
    for serial, row in enumerate(APPLICANTS, start=1):
        key, name, kind, sme, employees, revenue, assets, industry, text, amount, q = row
        user = _applicant(key, name, kind, serial)
        promotion = kind == K.INDUSTRY_ASSOCIATION
        application = application_services.application_create(
            user=user,
            call=call,
            project_name=name.removesuffix("有限公司")
            + ("工伤预防宣传项目" if promotion else "工伤预防培训项目"),
            project_type="promotion" if promotion else "training",
        )
        fields = base._full_fields(call, industry, (sme, employees, revenue, assets), texts[text])
        fields |= {
            "amount_requested": Decimal(amount),
            "service_scope": "唐山市辖区内重点行业领域企业",
        }
        application_services.application_update(
            user=user, application=application, fields=fields, **_tables(q, Decimal(amount))
        )
        base.attach_sealed_scan(user, application)
        application_services.application_submit(user=user, application=application)
        quality[application.pk] = q
    return quality


def _screen(call: AnnualCall, office: User) -> None:
    screening_run(call=call, user=office)
    reviews = PreliminaryReview.unscoped.filter(application__call=call).prefetch_related("verdicts")
    for review in reviews:
        decisions = {
            v.indicator: {
                "passed": v.computed_pass is not False,
                "reason": "" if v.computed_pass is not None else "复核申报材料，符合要求。",
            }
            for v in review.verdicts.all()
        }
        preliminary_review_decide(reviewer=office, review=review, decisions=decisions)


def _sheet(rubric, quality: float, rng: random.Random) -> dict:
    scores = {}
    for row in rubric.rows:
        if row.is_computed:
            continue
        levels = sorted(row.levels, key=lambda level: -level.high)
        position = (1 - quality) * (len(levels) - 2) + rng.uniform(-0.6, 0.6)
        level = levels[max(0, min(len(levels) - 2, round(position)))]
        entry = {"level": level.code}
        if level.is_range:
            steps = int((level.high - level.low) / rubric.step)
            entry["score"] = str(level.low + rubric.step * rng.randint(0, steps))
        scores[row.code] = entry
    return scores


def _score(review_round: ReviewRound, quality: dict[int, float]) -> None:
    rubric = review_round.rubric
    rng = random.Random(2027)
    assignments = review_round.assignments.select_related("expert", "application__call")
    for assignment in assignments.filter(status=AssignmentStatus.ASSIGNED):
        q = quality.get(assignment.application_id, 0.5)
        bonus = {"7.1②": "2"} if q > 0.8 else {}
        services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=_sheet(rubric, q, rng),
            bonus=bonus,
            vetoes={},
            comment="材料完整，方案可行。" if q > 0.5 else "方案针对性不足。",
            submit=True,
        )


def demo_review() -> AnnualCall:
    """Idempotent: does nothing when the call exists."""
    existing = AnnualCall.unscoped.filter(title=CALL_TITLE).first()
    if existing is not None:
        return existing
    office = User.unscoped.get(username="ts_office")
    experts = _experts()
    call = _call(office)
    quality = _applications(call)
    call_close(user=office, call=call)
    _screen(call, office)
    review_round = services.review_round_open(
        user=office, call=call, experts_per_application=len(experts)
    )
    services.experts_assign(user=office, review_round=review_round)
    _score(review_round, quality)
    services.review_round_close(user=office, review_round=review_round)
    return call
