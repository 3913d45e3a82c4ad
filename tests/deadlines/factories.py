"""Deadline-specific factories and the region the deadline tests run in."""

import datetime
from dataclasses import dataclass

import factory
from django.contrib.contenttypes.models import ContentType

from apps.accounts.roles import Role
from apps.deadlines.models import Deadline, HolidaySchedule
from apps.jurisdictions.models import DeadlineRule, Jurisdiction
from apps.jurisdictions.services import deadline_rules_load
from apps.projects.models import Project
from tests.factories import CityFactory, ProjectFactory, ProvinceFactory


@dataclass
class Region:
    province: Jurisdiction
    sjz: Jurisdiction
    ts: Jurisdiction
    shenzhen: Jurisdiction


def region_with_rules() -> Region:
    """Hebei with 石家庄 and 唐山, Shenzhen as a root of its own, and the rules of
    apps/jurisdictions/data/deadline_rules.json loaded for all of them."""
    province = ProvinceFactory()
    region = Region(
        province=province,
        sjz=CityFactory(parent=province, code="130100", name="石家庄市"),
        ts=CityFactory(parent=province, code="130200", name="唐山市"),
        shenzhen=CityFactory(parent=None, code="440300", name="深圳市"),
    )
    deadline_rules_load()
    return region


class DeadlineFactory(factory.django.DjangoModelFactory):
    """A plan-review deadline on a project, stored as is (no calendar): for pages and scoping.
    Business rules are tested through `deadline_open`."""

    class Meta:
        model = Deadline

    project = factory.SubFactory(ProjectFactory)
    jurisdiction = factory.SelfAttribute("project.jurisdiction")
    rule = factory.LazyAttribute(
        lambda o: DeadlineRule.objects.get(jurisdiction=o.jurisdiction, code="plan_review")
    )
    subject_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Project))
    subject_id = factory.SelfAttribute("project.pk")
    subject_label = factory.LazyAttribute(lambda o: str(o.project))
    starts_on = factory.LazyAttribute(lambda o: o.due_on - datetime.timedelta(days=7))
    due_on = datetime.date(2026, 11, 30)
    owner_role = Role.OFFICE
    owner_organisation = None


# A TEST FIXTURE, NOT THE OFFICIAL SCHEDULE: the State Council had not announced the 2027
# holidays when this was written. It is shaped like a real notice (元旦, 春节 around
# 2027-02-06, 清明, 劳动节, 端午, 中秋, 国庆 with adjusted working weekends) so that the
# engine's handling of an entered year can be tested.
FIXTURE_2027_HOLIDAYS = [
    *("2027-01-01", "2027-01-02", "2027-01-03"),
    *(f"2027-02-{day:02d}" for day in range(6, 15)),
    *("2027-04-03", "2027-04-04", "2027-04-05"),
    *(f"2027-05-{day:02d}" for day in range(1, 6)),
    *("2027-06-09",),
    *("2027-09-15",),
    *(f"2027-10-{day:02d}" for day in range(1, 8)),
]
FIXTURE_2027_WORKING_WEEKENDS = ["2027-02-20", "2027-04-25", "2027-09-26", "2027-10-09"]
FIXTURE_2027_SOURCE = "测试用虚构安排（非国务院正式通知）"


class HolidayScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HolidaySchedule

    year = 2027
    holidays = factory.LazyFunction(lambda: list(FIXTURE_2027_HOLIDAYS))
    working_weekends = factory.LazyFunction(lambda: list(FIXTURE_2027_WORKING_WEEKENDS))
    source = FIXTURE_2027_SOURCE
