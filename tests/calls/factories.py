import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.calls.models import AnnualCall
from tests.factories import CityFactory, KeyIndustryFactory


class CallFactory(factory.django.DjangoModelFactory):
    """A published call of a city, open now, for project year 2027."""

    class Meta:
        model = AnnualCall
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(CityFactory)
    year = 2027
    title = factory.Sequence(lambda n: f"2027年度工伤预防项目申报通知{n}")
    body = "一、申报范围：本市重点行业领域的工伤预防培训和宣传项目。"
    budget_total = Decimal("3000000.00")
    max_amount_per_application = Decimal("500000.00")
    max_applications_per_applicant = 1
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    status = "published"
    # The rubric of the call's own root (issue 13 item 6); the publication checklist needs one.
    rubric_code = factory.LazyAttribute(
        lambda call: {"130000": "hebei-2027", "440300": "shenzhen-2027"}.get(
            call.jurisdiction.root.code, ""
        )
    )

    @factory.post_generation
    def key_industries(obj, create, extracted, **kwargs):
        if create:
            obj.key_industries.set(
                extracted or [KeyIndustryFactory(province=obj.jurisdiction.root)]
            )
