"""Determination's constraints in plain words (issue 13 item 10): a province member unit
refusing an adjustment without its reason is refused from the rendered consent form with a
plain message and the request stays open; the models' checks name what is wrong, never the
constraint."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.determination.models import (
    Adjustment,
    AdjustmentStatus,
    ApprovalDecision,
    BudgetYear,
    ProposalEntry,
)
from tests.determination.test_adjustments import _change, world  # noqa: F401 (fixture)
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def test_refusing_without_a_reason_is_refused_in_plain_words(client, world):  # noqa: F811
    adjustment = _change(world)
    client.force_login(world["member"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/determination/adjustments/{adjustment.pk}/")
    response = form_submit(
        client,
        page,
        "form[data-testid=consent-form]",
        data={"note": "  "},
        button="button[value=refuse]",
        follow=True,
    )
    body = response.content.decode()
    assert "Give the reason for this decision." in body
    assert "Constraint" not in body and "refusal_has_reason" not in body
    assert Adjustment.unscoped.get(pk=adjustment.pk).status == AdjustmentStatus.REQUESTED


def test_the_models_checks_name_what_is_wrong(world):  # noqa: F811
    adjustment = Adjustment.unscoped.get(pk=_change(world).pk)
    adjustment.status, adjustment.consent_note, adjustment.entry = "refused", "", None
    with translation.override("en"), pytest.raises(ValidationError) as error:
        adjustment.validate_constraints()
    assert sorted(error.value.messages) == [
        "Choose the project that this change concerns.",
        "Give the reason for refusing the adjustment.",
    ]
    entry = ProposalEntry._base_manager.filter(
        determination__call__jurisdiction=world["a"].jurisdiction
    ).first()
    entry.amount, entry.meeting_agreed, entry.meeting_reason = Decimal("0"), False, ""
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        entry.validate_constraints()
    assert sorted(error.value.messages) == sorted(
        ["建议资助金额须大于零。", "请填写联席会议不同意的理由。"]
    )
    decision = ApprovalDecision(determination=entry.determination, revision=1, outcome="returned")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        decision.validate_constraints()
    assert error.value.messages == ["Give the reasons for returning the proposal."]
    year = BudgetYear._base_manager.filter(project__jurisdiction=world["a"].jurisdiction).first()
    twin = BudgetYear(project=year.project, year=year.year, days=1, amount=Decimal("-1"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert sorted(error.value.messages) == [
        "A year's budget cannot be negative.",
        "The project already has a budget for this year.",
    ]
