"""A call ready for expert review: closed, applications screened, experts in the pool."""

from dataclasses import dataclass

from apps.accounts.roles import OrganisationKind, Role
from apps.applications.models import Application, ApplicationStatus
from apps.calls.models import AnnualCall
from apps.review import services
from apps.review.models import ExpertProfile
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import ComplianceDocumentFactory, OrganisationFactory, UserFactory

# Every level row at its best level, with the top of a range.
BEST = {
    "1.1": {"level": "complete"},
    "2.1": {"level": "complete"},
    "2.2": {"level": "complete"},
    "2.3": {"level": "complete"},
    "2.4": {"level": "complete"},
    "3.1": {"level": "complete"},
    "3.3②": {"level": "complete"},
    "3.4": {"level": "complete"},
    "4.1": {"level": "complete"},
    "4.2": {"level": "complete"},
    "5": {"level": "complete"},
    "6.1": {"level": "complete"},
    "6.2": {"level": "complete"},
    "6.3": {"level": "complete"},
    "6.4": {"level": "complete"},
    "6.5": {"level": "complete"},
    "6.6": {"level": "complete"},
}


@dataclass
class ReviewWorld:
    call: AnnualCall
    office: object
    applications: list[Application]
    experts: list


def expert_user(jurisdiction, **kwargs):
    organisation = OrganisationFactory(
        kind=OrganisationKind.EXPERT_POOL, jurisdiction=jurisdiction.root
    )
    ComplianceDocumentFactory(organisation=organisation)
    user = UserFactory(role=Role.EXPERT, organisation=organisation, **kwargs)
    ExpertProfile.objects.create(user=user, pool=jurisdiction.root, specialities="安全工程")
    return user


def review_world(*, applications=2, experts=3, open_round=True) -> ReviewWorld:
    call = CallFactory(rubric_code="hebei-2027")
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=call.jurisdiction)
    submitted = [submitted_application(call)[0] for _ in range(applications)]
    AnnualCall.unscoped.filter(pk=call.pk).update(status="closed")
    call.refresh_from_db()
    Application.unscoped.filter(call=call).update(status=ApplicationStatus.SCREENING_PASSED)
    pool = [expert_user(call.jurisdiction) for _ in range(experts)]
    if open_round:
        review_round = services.review_round_open(
            user=office, call=call, experts_per_application=experts
        )
        services.experts_assign(user=office, review_round=review_round)
    return ReviewWorld(call=call, office=office, applications=submitted, experts=pool)
