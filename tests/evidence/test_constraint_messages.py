"""Evidence's constraint in plain words (issue 13 item 10): version numbers are given by the
evidence store under the file's row lock, never typed — a replacement gets the next number
instead of tripping unique_version_no; the model's check names what is wrong in words."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.evidence.models import EvidenceVersion
from apps.evidence.services import evidence_upload
from tests.evidence.factories import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_replacement_gets_the_next_number_and_a_repeat_is_named_in_words(office_a):
    first = evidence_upload(
        uploaded_by=office_a,
        uploaded_file=upload("plan.pdf", pdf_bytes("v1")),
        purpose="general",
        title="实施方案",
        jurisdiction=office_a.organisation.jurisdiction,
    )
    second = evidence_upload(
        uploaded_by=office_a,
        uploaded_file=upload("plan-rev.pdf", pdf_bytes("v2")),
        purpose="general",
        title="",
        replaces=first.evidence_file,
    )
    assert (first.number, second.number) == (1, 2)
    twin = EvidenceVersion._base_manager.get(pk=second.pk)
    twin.pk, twin.number = None, 1
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["This file already has a version with this number."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["该文件已有此编号的版本。"]
