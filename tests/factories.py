"""factory_boy factories shared by all tests. Valid credit codes and IDs come from validators."""

import itertools
from decimal import Decimal

import factory

from apps.accounts.models import ComplianceDocument, Organisation, User
from apps.accounts.roles import OrganisationKind, Role
from apps.core.validators import make_unified_social_credit_code
from apps.jurisdictions.models import Jurisdiction, JurisdictionLevel, KeyIndustry
from apps.projects.models import Project, ProjectParticipant, ProjectType

_serial = itertools.count(1)

ROLE_DEFAULT_KIND = {
    Role.OFFICE: OrganisationKind.GOVERNMENT_OFFICE,
    Role.USER_ADMIN: OrganisationKind.GOVERNMENT_OFFICE,
    Role.MEMBER_UNIT: OrganisationKind.MEMBER_UNIT,
    Role.HRSS: OrganisationKind.HRSS_DEPARTMENT,
    Role.SI_AGENCY: OrganisationKind.SOCIAL_INSURANCE_AGENCY,
    Role.APPLICANT: OrganisationKind.APPLICANT_ENTERPRISE,
    Role.IMPLEMENTER: OrganisationKind.IMPLEMENTING_AGENCY,
    Role.ONLINE_PLATFORM: OrganisationKind.ONLINE_TRAINING_PLATFORM,
    Role.EVALUATOR: OrganisationKind.EVALUATION_AGENCY,
    Role.EXPERT: OrganisationKind.EXPERT_POOL,
    Role.AUDITOR: OrganisationKind.AUDIT_FIRM,
    Role.SYSTEM_ADMIN: OrganisationKind.GOVERNMENT_OFFICE,
    Role.SECURITY_ADMIN: OrganisationKind.GOVERNMENT_OFFICE,
    Role.AUDIT_ADMIN: OrganisationKind.GOVERNMENT_OFFICE,
}


def unique_credit_code() -> str:
    return make_unified_social_credit_code(org_body=f"MA{next(_serial):06d}")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = "130000"
    name = "河北省"
    name_en = "Hebei"
    level = JurisdictionLevel.PROVINCE
    parent = None


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"13{n + 1:02d}00")
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = JurisdictionLevel.CITY
    parent = factory.SubFactory(ProvinceFactory)


class KeyIndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyIndustry
        django_get_or_create = ("province", "code")

    province = factory.SubFactory(ProvinceFactory)
    code = "construction"
    name = "建筑施工"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    credit_code = factory.LazyFunction(unique_credit_code)
    kind = OrganisationKind.APPLICANT_ENTERPRISE
    jurisdiction = factory.SubFactory(CityFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.OFFICE
    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=factory.LazyAttribute(lambda o: ROLE_DEFAULT_KIND[o.factory_parent.role]),
    )
    password = factory.PostGenerationMethodCall("set_password", "Wipp-Test-2026!")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ComplianceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplianceDocument

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "confidentiality"
    status = "approved"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"P2027-{n:04d}")
    name = factory.Sequence(lambda n: f"建筑施工工伤预防培训项目{n}")
    year = 2027
    project_type = ProjectType.TRAINING
    jurisdiction = factory.SubFactory(CityFactory)
    applicant = factory.SubFactory(
        OrganisationFactory, jurisdiction=factory.SelfAttribute("..jurisdiction")
    )
    budget_amount = Decimal("300000.00")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectParticipant

    project = factory.SubFactory(ProjectFactory)
    role = "implementer"
    organisation = factory.SubFactory(OrganisationFactory)
