"""Applications' constraints in plain words (issue 13 item 10): a project ending before it
starts is refused from the rendered section page with a message on the field; two project
leaders or one year's figures twice are refused by the draft save before any row is replaced;
the models' checks name what is wrong, never the constraint."""

import copy

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.applications import services
from apps.applications.models import Application, BudgetLine, PlanStage, TeamMember
from tests.applications.builders import draft_application, valid_tables
from tests.calls.factories import CallFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def test_a_project_ending_before_it_starts_is_refused_in_plain_words(client):
    application, user = draft_application(CallFactory())
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/applications/{application.pk}/edit/?section=basics")
    response = form_submit(
        client,
        page,
        "form[data-testid=application-form]",
        data={"start_date": "2027-09-01", "end_date": "2027-03-01"},
    )
    body = response.content.decode()
    assert "The end date is before the start date." in body
    assert "Constraint" not in body and "application_dates_in_order" not in body
    saved = Application.unscoped.get(pk=application.pk)
    assert (saved.start_date, saved.end_date) == (application.start_date, application.end_date)


def test_two_leaders_or_a_year_twice_are_refused_before_the_rows_are_replaced():
    call = CallFactory()
    application, user = draft_application(call)
    tables = valid_tables(call)
    team = tables["team"] + [{**copy.deepcopy(tables["team"][0]), "name": "第二负责人"}]
    years = tables["insurance_years"] + [copy.deepcopy(tables["insurance_years"][0])]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.application_update(user=user, application=application, team=team)
    assert error.value.message_dict == {"team member": ["Name only one project leader."]}
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.application_update(user=user, application=application, insurance_years=years)
    assert error.value.message_dict == {
        "insurance year": ["Give each year's figures in one row only."]
    }
    assert TeamMember.objects.filter(application=application).count() == len(tables["team"])


def test_the_models_checks_name_what_is_wrong():
    application, _user = draft_application(CallFactory())
    application = Application.unscoped.get(pk=application.pk)
    application.end_date = application.start_date.replace(year=application.start_date.year - 1)
    application.amount_requested = 0
    with translation.override("en"), pytest.raises(ValidationError) as error:
        application.validate_constraints()
    assert sorted(error.value.messages) == [
        "The amount requested must be more than zero.",
        "The project must end on or after the day it starts.",
    ]
    stage = PlanStage.objects.filter(application=application).first()
    stage.end_date = stage.start_date.replace(year=stage.start_date.year - 1)
    line = BudgetLine.objects.filter(application=application).first()
    line.quantity = 0
    with translation.override("zh-hans"):
        for row, chinese in (
            (stage, "实施计划阶段的结束日期不得早于开始日期。"),
            (line, "预算明细的单价和数量须大于零。"),
        ):
            with pytest.raises(ValidationError) as error:
                row.validate_constraints()
            assert error.value.messages == [chinese]
    leader = TeamMember.objects.get(application=application, is_leader=True)
    second = TeamMember(application=application, is_leader=True, name="第二负责人")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        second.validate_constraints()
    assert error.value.messages == ["The team can have only one project leader."]
    assert leader.pk
