"""Experts, relations, organisation events, and a call taken through screening to the review.

The review starts where screening ends: `screened_call` gives a closed call whose applications
went through the real screening services (`screening_run`, `preliminary_review_decide`).
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.accounts.roles import OrganisationKind, Role
from apps.calls.services import call_close
from apps.review import services
from apps.review.models import ExpertProfile, ExpertRelation, OrganisationEvent
from apps.review.rubric import load_rubric
from apps.screening.models import PreliminaryReview
from apps.screening.services import preliminary_review_decide, screening_run
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import (
    ComplianceDocumentFactory,
    OrganisationFactory,
    ProvinceFactory,
    UserFactory,
)

RUBRIC = "hebei-2027"


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    """An expert of the province's pool whose organisation has its confidentiality agreement
    on file (HB §25), so the expert may see the applications assigned."""

    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(
        UserFactory,
        role=Role.EXPERT,
        organisation=factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EXPERT_POOL),
    )
    pool = factory.SubFactory(ProvinceFactory)
    specialities = "安全工程"

    @factory.post_generation
    def cleared(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            ComplianceDocumentFactory(organisation=obj.user.organisation)


class ExpertRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertRelation

    expert = factory.SubFactory(ExpertProfileFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    description = "曾任该单位安全顾问"


class OrganisationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationEvent

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "failed_acceptance"
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
    description = "2025年度培训项目未通过验收"
    recorded_by = factory.SubFactory(UserFactory, role=Role.OFFICE)
    entry_reason = "平台上线前的记录"


def office_of(call):
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=call.jurisdiction)


def review_call(**kwargs):
    """An open call of a Hebei city with the Hebei rubric in force."""
    return CallFactory(**{"rubric_code": RUBRIC, **kwargs})


ALL_PASS = ("P1", "P2", "P3", "P4")


def screen(call, office, *, failing: dict | None = None) -> None:
    """Runs the preliminary review and decides it: every indicator passes except those in
    `failing` ({application: ["P1", …]}), each decision with a reason."""
    failing = failing or {}
    screening_run(call=call)
    for review in PreliminaryReview.unscoped.filter(application__call=call, outcome="pending"):
        failed = failing.get(review.application, ())
        decisions = {
            code: {"passed": code not in failed, "reason": f"复核：{code}"} for code in ALL_PASS
        }
        preliminary_review_decide(reviewer=office, review=review, decisions=decisions)


def _amount(amount: Decimal) -> dict:
    """An application requesting `amount`, its budget lines adding up to it."""
    half = amount / 2
    line = {"unit": "项", "quantity": Decimal("1"), "standard": "参照本市支出标准"}
    return {
        "fields": {"amount_requested": amount},
        "tables": {
            "budget_lines": [
                {**line, "item": "师资课酬", "unit_cost": half, "amount": half},
                {**line, "item": "教材印制", "unit_cost": amount - half, "amount": amount - half},
            ]
        },
    }


def screened_call(n: int = 1, *, failing=None, amounts=(), **call_kwargs):
    """(call, office, [applications]): n applications submitted, the call closed, screened."""
    call = review_call(**call_kwargs)
    office = office_of(call)
    applications = []
    for i in range(n):
        kwargs = _amount(Decimal(amounts[i])) if i < len(amounts) else {}
        application, _user = submitted_application(call, **kwargs)
        applications.append(application)
    call_close(user=office, call=call)
    screen(call, office, failing={applications[i]: codes for i, codes in (failing or {}).items()})
    for application in applications:
        application.refresh_from_db()
    return call, office, applications


def experts(n: int, **kwargs) -> list:
    return [ExpertProfileFactory(**kwargs) for _ in range(n)]


def open_round(call, office, *, per_application: int = 3, **kwargs):
    return services.review_round_open(
        user=office, call=call, experts_per_application=per_application, **kwargs
    )


def sheet(overrides: dict | None = None, *, rubric_code: str = RUBRIC) -> dict:
    """Scores for every row the expert judges, at its best level; `overrides` replaces rows."""
    rubric = load_rubric(rubric_code)
    scores = {}
    for row in rubric.rows:
        if row.is_computed:
            continue
        best = max(row.levels, key=lambda level: level.high)
        entry = {"level": best.code}
        if best.is_range:
            entry["score"] = str(best.high)
        scores[row.code] = entry
    scores.update(overrides or {})
    return scores


def bottom(first_level: str, *, rubric_code: str = RUBRIC) -> dict:
    """Overrides putting every expert-judged row of a first-level indicator at its bottom."""
    rubric = load_rubric(rubric_code)
    return {
        row.code: {"level": row.bottom_level.code, "comment": "未提供相关内容"}
        for row in rubric.rows
        if row.first_level_code == first_level and not row.is_computed
    }


def submit(assignment, scores=None, *, bonus=None, vetoes=None):
    return services.score_sheet_save(
        expert=assignment.expert,
        assignment=assignment,
        scores=sheet() if scores is None else scores,
        bonus=bonus or {},
        vetoes=vetoes or {},
        submit=True,
    )
