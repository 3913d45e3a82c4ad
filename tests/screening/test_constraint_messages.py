"""Screening's constraints in plain words (issue 13 item 10): revising a decision without a
reason is refused by the service with a plain message and the application keeps its status;
the models' checks name what is wrong, never the constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.screening.models import IndicatorVerdict, ReviewRevision, SimilarityPair
from apps.screening.services import preliminary_review_revise
from tests.screening.test_services import (  # noqa: F401 (fixtures)
    ALL_PASS,
    _rejected,
    _review,
    call,
    office,
)

pytestmark = pytest.mark.django_db


def test_a_revision_without_a_reason_is_refused_in_plain_words(call, office):  # noqa: F811
    application, _ = _rejected(call, office)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        preliminary_review_revise(
            reviewer=office, review=_review(application), decisions=ALL_PASS, reason="  "
        )
    assert error.value.message_dict == {
        "revision_reason": ["Give the reason for revising the decision."]
    }
    application.refresh_from_db()
    assert application.status == "screening_failed"
    assert not ReviewRevision._base_manager.exists()


def test_the_models_checks_name_what_is_wrong(call, office):  # noqa: F811
    application, _ = _rejected(call, office)
    review = _review(application)
    revision = ReviewRevision(
        review=review,
        revised_by=office,
        revised_at=review.decided_at,
        reason="",
        outcome_before="failed",
        outcome_after="passed",
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        revision.validate_constraints()
    assert error.value.messages == ["Give the reason for revising the review."]
    verdict = IndicatorVerdict._base_manager.filter(review=review).first()
    twin = IndicatorVerdict(review=review, indicator=verdict.indicator)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["本次审核已对该指标作出结论。"]
    pair = {"call": call, "application": application, "other": application}
    figures = {"score": "0.5", "jaccard": "0.5", "computed_at": review.decided_at}
    SimilarityPair._base_manager.create(**pair, **figures)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        SimilarityPair(**pair, **figures).validate_constraints()
    assert error.value.messages == ["These two applications have already been compared."]
