"""A small province for the browser tests of the office experience: two cities, the roles
that use the platform day to day, enough projects to page through, and a way to open a
page as a user without typing a password (a session made by Django's test client)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.test import Client

from apps.accounts.models import ComplianceDocument
from apps.accounts.roles import OrganisationKind, Role
from apps.jurisdictions.models import AnnualSetting
from apps.projects.models import ProjectStage
from tests.factories import (
    CityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    ProvinceFactory,
    UserFactory,
)


@dataclass
class OfficeWorld:
    users: dict = field(default_factory=dict)
    projects: list = field(default_factory=list)


def _clear(organisation, *kinds) -> None:
    for kind in ("confidentiality", *kinds):
        ComplianceDocument.unscoped.create(organisation=organisation, kind=kind, status="approved")


def build_office_world(*, projects: int = 3) -> OfficeWorld:
    province = ProvinceFactory()
    sjz = CityFactory(parent=province, code="130100", name="石家庄市")
    ts = CityFactory(parent=province, code="130200", name="唐山市")
    world = OfficeWorld()
    for n in range(projects):
        world.projects.append(
            ProjectFactory(
                jurisdiction=sjz,
                code=f"P2027-{n + 1:04d}",
                name=f"石家庄建筑施工培训{n + 1:02d}",
                budget_amount=Decimal(100000 + 1000 * n),
                stage=ProjectStage.ARRANGED if n % 2 else ProjectStage.PROCUREMENT,
            )
        )
    ProjectFactory(jurisdiction=ts, code="P2027-9001", name="唐山冶金培训")
    AnnualSetting.objects.create(jurisdiction=sjz, year=2027, budget_total=Decimal("5000000"))
    AnnualSetting.objects.create(jurisdiction=ts, year=2027, budget_total=Decimal("3000000"))
    project = world.projects[0]
    applicant = UserFactory(role=Role.APPLICANT, organisation=project.applicant)
    _clear(project.applicant)
    trainer = OrganisationFactory(
        kind=OrganisationKind.OFFLINE_TRAINING_INSTITUTION, jurisdiction=sjz
    )
    _clear(trainer, "implementer_account")
    ParticipantFactory(project=project, role="implementer", organisation=trainer)
    world.users = {
        "province_office": UserFactory(
            role=Role.OFFICE, organisation__jurisdiction=province, username="province"
        ),
        "city_office": UserFactory(
            role=Role.OFFICE, organisation__jurisdiction=sjz, username="sjz"
        ),
        "hrss": UserFactory(role=Role.HRSS, organisation__jurisdiction=sjz, username="hrss"),
        "applicant": applicant,
        "implementer": UserFactory(role=Role.IMPLEMENTER, organisation=trainer, username="impl"),
    }
    return world


def log_in(page, live_server, user) -> None:
    """Gives the browser a session of `user` made by Django's test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
