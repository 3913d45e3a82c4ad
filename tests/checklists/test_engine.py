"""Checklists as versioned data: every file loads and names known roles and kinds; a broken
file is refused with the item named; the three checklists that were code before now decide
account access, procurement filing and call publication."""

import datetime
import json

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone, translation

from apps.accounts.selectors import missing_documents_for
from apps.checklists.engine import (
    checklist_codes,
    checklist_evaluate,
    checklist_from_file,
    checklist_get,
)
from tests.factories import ComplianceDocumentFactory, UserFactory

ITEM = {
    "code": "a",
    "label": "材料",
    "owner_roles": ["office"],
    "required": True,
    "satisfied_by": {"kind": "call_record", "value": "text"},
    "clause": "HB §4",
}


def _write(tmp_path, items, code="sample"):
    path = tmp_path / f"{code}.json"
    path.write_text(
        json.dumps({"code": code, "version": "1", "title": "t", "clause": "HB", "items": items}),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("code", checklist_codes())
def test_every_shipped_checklist_loads(code):
    checklist = checklist_get(code)
    assert checklist.items and all(item.clause for item in checklist.items)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"satisfied_by": {"kind": "telepathy", "value": "x"}}, "no satisfier"),
        ({"owner_roles": ["mayor"]}, "owner_roles"),
        ({"clause": ""}, "clause is missing"),
        ({"required": "yes"}, "required must be"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_a_broken_item_is_refused_with_its_name(tmp_path, change, message):
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        checklist_from_file(_write(tmp_path, [{**ITEM, **change}]))
    assert "item 1 (a)" in str(error.value)


def test_repeated_item_codes_are_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="repeated"):
        checklist_from_file(_write(tmp_path, [ITEM, ITEM]))


@pytest.mark.django_db
def test_account_documents_for_an_evaluator_name_all_three_forms():
    evaluator = UserFactory(role="evaluator")
    assert missing_documents_for(evaluator) == [
        "confidentiality",
        "evaluator_account",
        "evaluator_commitment",
    ]
    for kind in ("confidentiality", "evaluator_account", "evaluator_commitment"):
        ComplianceDocumentFactory(organisation=evaluator.organisation, kind=kind)
    assert missing_documents_for(evaluator) == []


@pytest.mark.django_db
def test_an_applicant_needs_no_account_document():
    assert missing_documents_for(UserFactory(role="applicant")) == []


@pytest.mark.django_db
def test_a_document_awaiting_review_does_not_count():
    expert = UserFactory(role="expert")
    ComplianceDocumentFactory(organisation=expert.organisation, status="submitted")
    result = checklist_evaluate(
        code="account_documents", subject=expert, context={"role": "expert"}
    )
    assert [(r.item.code, r.met) for r in result.results] == [("confidentiality", False)]


@pytest.mark.django_db
def test_a_call_is_published_only_when_its_checklist_is_complete():
    from apps.calls.services import call_publish
    from tests.calls.factories import CallFactory

    call = CallFactory(body="", status="draft")
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call_publish(user=office, call=call)
    assert "Write the title and the text" in str(error.value)
    call.body = "申报范围"
    call.closes_at = timezone.now() - datetime.timedelta(days=1)
    call.opens_at = call.closes_at - datetime.timedelta(days=30)
    call.save()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call_publish(user=office, call=call)
    assert "deadline has already passed" in str(error.value)
