"""Implementation's constraints in plain words (issue 13 item 10): plan rows with dates out of
order or without a headcount are refused on the field, from the rendered page, in the app's
words -- the model form's constraint check would otherwise show "Constraint … is violated"."""

import datetime

import pytest
from django.urls import reverse

from apps.implementation import services
from apps.implementation.models import PromotionPlanLine, TrainingPlanLine
from tests.implementation.world import agreement_for, session_at
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db
D = datetime.date


def _login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_promotion_row_ending_before_it_starts_is_refused_on_the_field(
    client, world, monkeypatch
):
    a, _ = world
    agreement_for(a, a.promo, starts_on=D(2027, 5, 1), ends_on=D(2027, 7, 31))
    when = datetime.datetime(2027, 6, 20, 2, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(services, "clock", lambda: when)
    _login(client, a.agency)
    page = client.get(reverse("implementation:promotion_line_add", args=[a.promo.pk]))
    response = form_submit(
        client,
        page,
        "form[data-testid=promotion-line-form]",
        data={
            "requirement": str(a.activity.requirement_id),
            "what": "宣传手册",
            "starts_on": "2027-06-30",
            "ends_on": "2027-06-01",
            "frequency": "2场",
            "audience": "建筑工人",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The end date must not be before the start date." in body
    assert "Constraint" not in body and "promotion_plan_line_ends_after_start" not in body
    assert not PromotionPlanLine.objects.filter(package__project=a.promo).exists()


def test_a_training_row_without_a_headcount_or_hours_is_refused_on_the_fields(
    client, world, monkeypatch
):
    a, _ = world
    session_at(a, datetime.datetime(2027, 5, 10, 1, 0, tzinfo=datetime.UTC))
    when = datetime.datetime(2027, 4, 20, 2, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(services, "clock", lambda: when)
    _login(client, a.agency)
    page = client.get(reverse("implementation:training_line_add", args=[a.project.pk]))
    response = form_submit(
        client,
        page,
        "form[data-testid=training-line-form]",
        data={
            "month": "2027-05",
            "trainee_type": "一线职工",
            "post": "架子工",
            "headcount": "0",
            "content": "高处作业安全",
            "online_hours": "0",
            "offline_hours": "0",
            "period": "上午",
            "place": "工地会议室",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The headcount must be more than zero." in body
    assert "Give online or offline hours (at least one more than zero)." in body
    assert "Constraint" not in body and "training_plan_line_quantified" not in body
    assert not TrainingPlanLine.objects.filter(package__project=a.project).exists()
