import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from apps.applications import services
from apps.applications.models import Application
from tests.applications.builders import (
    applicant_user,
    draft_application,
    submitted_application,
    valid_tables,
)
from tests.calls.factories import CallFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return CallFactory()


def _problems(application):
    return services.application_check(application)


def test_complete_application_submits(call):
    application, _user = submitted_application(call)
    assert application.status == "submitted"
    assert application.submitted_at is not None


def test_submitted_application_is_locked(call):
    application, user = submitted_application(call)
    with pytest.raises(ValidationError):
        services.application_update(
            user=user, application=application, fields={"project_name": "x"}
        )


def test_late_submission_is_refused_with_the_deadline_shown(call):
    application, user = draft_application(call)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(user=user, application=application)
    deadline = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
    assert deadline in " ".join(exc.value.messages)


def test_missing_sections_are_listed_per_field(call):
    application, _user = draft_application(call, fields={"necessity": "", "risks": ""})
    problems = _problems(application)
    assert set(problems) >= {"necessity", "risks"}


def test_dates_must_be_in_order(call):
    with pytest.raises(ValidationError):
        draft_application(
            call,
            fields={"start_date": datetime.date(2027, 5, 1), "end_date": datetime.date(2027, 4, 1)},
        )


def test_project_must_start_in_the_call_year(call):
    application, _ = draft_application(call, fields={"start_date": datetime.date(2026, 12, 1)})
    assert "start_date" in _problems(application)


def test_stages_must_lie_inside_the_project(call):
    stages = [
        {
            "name": "超期",
            "start_date": datetime.date(2027, 3, 1),
            "end_date": datetime.date(2028, 1, 31),
            "goal": "x",
        }
    ]
    application, _ = draft_application(call, tables={"stages": stages})
    assert "stages" in _problems(application)


@pytest.mark.parametrize("rate", [Decimal("-1"), Decimal("100.01")])
def test_percentages_must_be_within_0_and_100(call, rate):
    with pytest.raises(ValidationError) as exc:
        draft_application(call, fields={"awareness_rate": rate})
    assert "awareness_rate" in exc.value.message_dict


def test_amounts_have_two_decimals(call):
    with pytest.raises(ValidationError):
        draft_application(call, fields={"amount_requested": Decimal("400000.001")})


def test_budget_lines_must_multiply_out(call):
    lines = valid_tables(call)["budget_lines"]
    lines[0] = {**lines[0], "amount": Decimal("199999.00")}
    application, _ = draft_application(call, tables={"budget_lines": lines})
    assert any("200000.00" in m for m in _problems(application)["budget"])


def test_budget_total_must_equal_the_amount_requested(call):
    application, _ = draft_application(call, fields={"amount_requested": Decimal("450000.00")})
    assert any("400000.00" in m for m in _problems(application)["budget"])


def test_amount_over_the_call_limit_is_refused(call):
    lines = [
        {
            "item": "课酬",
            "unit": "课时",
            "unit_cost": Decimal("1000.00"),
            "quantity": Decimal("600"),
            "amount": Decimal("600000.00"),
            "standard": "",
        }
    ]
    application, _ = draft_application(
        call, fields={"amount_requested": Decimal("600000.00")}, tables={"budget_lines": lines}
    )
    assert "amount_requested" in _problems(application)


def test_three_years_of_insurance_figures_are_required(call):
    years = valid_tables(call)["insurance_years"][:2]
    application, _ = draft_application(call, tables={"insurance_years": years})
    assert "insurance_years" in _problems(application)


def test_exactly_one_project_leader(call):
    team = [
        {
            "is_leader": False,
            "name": "甲",
            "title_level": "none",
            "degree": "other",
            "years_experience": 1,
        }
    ]
    application, _ = draft_application(call, tables={"team": team})
    assert "team" in _problems(application)


def test_two_leaders_are_refused_by_the_database_rule(call):
    leader = valid_tables(call)["team"][0]
    with pytest.raises(Exception):  # noqa: B017 - an IntegrityError inside the service
        draft_application(call, tables={"team": [leader, {**leader, "name": "李"}]})


def test_commitment_and_seal_are_required(call):
    application, _ = draft_application(call, fields={"commitment_accepted": False, "sealed": False})
    assert {"commitment_accepted", "sealed"} <= set(_problems(application))


def test_industry_must_be_one_of_the_call(call):
    from tests.factories import KeyIndustryFactory

    other = KeyIndustryFactory(province=call.jurisdiction.root, code="mining", name="矿山")
    with pytest.raises(ValidationError):
        draft_application(call, fields={"industry": other})


def test_past_projects_cannot_be_in_the_future(call):
    future = [
        {
            "name": "未来项目",
            "completed_on": timezone.localdate() + datetime.timedelta(days=3),
            "client": "",
        }
    ]
    with pytest.raises(ValidationError):
        draft_application(call, tables={"past_projects": future})


def test_a_failed_update_leaves_the_draft_as_it_was(call):
    application, user = draft_application(call)
    with pytest.raises(ValidationError):
        services.application_update(
            user=user,
            application=application,
            fields={"project_name": "新名称"},
            past_projects=[{"name": "x", "completed_on": datetime.date(2099, 1, 1), "client": ""}],
        )
    application.refresh_from_db()
    assert application.project_name != "新名称"


def test_only_applicants_apply(call):
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    with pytest.raises(PermissionDenied):
        services.application_create(
            user=office, call=call, project_name="x", project_type="training"
        )


def test_another_applicant_cannot_edit(call):
    application, _ = draft_application(call)
    with pytest.raises(PermissionDenied):
        services.application_update(
            user=applicant_user(call), application=application, fields={"project_name": "x"}
        )


def test_withdraw_before_the_deadline(call):
    application, user = submitted_application(call)
    services.application_withdraw(user=user, application=application)
    assert Application.unscoped.get(pk=application.pk).status == "withdrawn"


def test_withdraw_after_the_deadline_is_refused(call):
    application, user = submitted_application(call)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    with pytest.raises(ValidationError):
        services.application_withdraw(user=user, application=application)


def test_numbers_are_sequential_per_call(call):
    first, _ = draft_application(call)
    second, _ = draft_application(call)
    assert first.number.endswith("0001") and second.number.endswith("0002")


def test_submission_checks_the_rows_just_saved_not_a_stale_prefetch(call):
    from apps.applications.selectors import application_get

    application, user = draft_application(call, tables={"stages": []})
    fetched = application_get(user=user, pk=application.pk)
    assert not list(fetched.planstage_set.all())
    services.application_update(user=user, application=fetched, stages=valid_tables(call)["stages"])
    services.application_submit(user=user, application=fetched)
    assert fetched.status == "submitted"


def test_attachment_is_stored_as_evidence_and_visible_to_the_office(call, client):
    from django.core.files.base import ContentFile

    application, user = draft_application(call, sealed_scan=False)
    pdf = ContentFile(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        name="seal.pdf",
    )
    attachment = services.application_attachment_add(
        user=user, application=application, kind="sealed_form", uploaded_file=pdf
    )
    services.application_submit(user=user, application=application)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    client.force_login(office)
    assert client.get(f"/evidence/{attachment.evidence_id}/download/").status_code == 200


def test_attachment_with_a_lying_extension_is_refused(call):
    from django.core.files.base import ContentFile

    application, user = draft_application(call, sealed_scan=False)
    with pytest.raises(ValidationError):
        services.application_attachment_add(
            user=user,
            application=application,
            kind="other",
            uploaded_file=ContentFile(b"MZ\x90\x00 not a pdf", name="virus.pdf"),
        )
    assert not application.applicationattachment_set.exists()


# --- one application per applicant per call, at submission (SZ P3④, call data) -------------


def test_a_second_submission_to_the_same_call_is_refused_naming_the_first(call):
    first, user = submitted_application(call)
    second, _ = draft_application(call, user)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.application_submit(user=user, application=second)
    message = " ".join(exc.value.messages)
    assert "accepts 1 application per applicant" in message
    assert first.number in message and first.project_name in message
    second.refresh_from_db()
    assert second.status == "draft"


def test_a_withdrawn_application_does_not_count(call):
    first, user = submitted_application(call)
    services.application_withdraw(user=user, application=first)
    second, _ = draft_application(call, user)
    services.application_submit(user=user, application=second)
    assert second.status == "submitted"


def test_the_limit_is_the_calls_own(call):
    call.max_applications_per_applicant = 2
    call.save()
    _first, user = submitted_application(call)
    second, _ = submitted_application(call, user)
    third, _ = draft_application(call, user)
    assert second.status == "submitted"
    with pytest.raises(ValidationError):
        services.application_submit(user=user, application=third)


def test_applications_to_other_calls_do_not_count(call):
    _first, user = submitted_application(call)
    other_call = CallFactory(jurisdiction=call.jurisdiction)
    other, _ = submitted_application(other_call, user)
    assert other.status == "submitted"


# --- SZ P3②: the industries of the service scope --------------------------------------------


def test_the_service_industries_are_required_to_submit(call):
    application, _ = draft_application(call, fields={"service_industries": []})
    assert "service_industries" in _problems(application)


def test_a_service_industry_of_another_province_is_refused(call):
    from tests.factories import KeyIndustryFactory, ProvinceFactory

    shenzhen = ProvinceFactory(code="440300", name="深圳市", name_en="Shenzhen")
    foreign = KeyIndustryFactory(province=shenzhen, code="mining", name="矿山")
    with pytest.raises(ValidationError) as exc:
        draft_application(call, fields={"service_industries": [foreign]})
    assert "service_industries" in exc.value.message_dict
