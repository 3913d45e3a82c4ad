"""Pages of rectification orders, every form submitted from the rendered page: the evaluation
agency raises an order from the project page, the agency answers with evidence files, the
evaluator confirms or returns, the office urges an escalated order and closes; the list filters
by state and project; the steps come from the table; another city gets 404, a wrong role 403,
nothing changed; "needs my action" lists the orders of each role."""

import pytest
from django.urls import reverse

from apps.dashboards.work import needs_action
from apps.rectification import services
from apps.rectification.models import OrderState, RectificationOrder
from apps.review import services as review_services
from apps.review.models import OrganisationEvent
from tests.implementation.world import pdf
from tests.rectification.world import D, answer, finding_on, issue
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def state(order) -> str:
    return RectificationOrder.unscoped.get(pk=order.pk).state


def detail(client, order):
    return client.get(reverse("rectification:detail", args=[order.pk]))


def test_the_evaluation_agency_raises_an_order_from_the_project_page(client, world):
    a, _b, _clock = world
    finding = finding_on(a)
    login(client, a.evaluator)
    project_page = client.get(reverse("projects:detail", args=[a.project.pk]))
    assert b'data-testid="rectification-section"' in project_page.content
    assert b'data-testid="issue-link"' in project_page.content
    form_page = client.get(reverse("rectification:issue", args=[a.project.pk]))
    response = form_submit(
        client,
        form_page,
        "form[data-testid=issue-form]",
        data={
            "problem": "签到表缺少学员签名",
            "requirement": "补齐签到记录",
            "clause": "服务协议第五条",
            "deadline": "2026-11-16",
            "document": pdf("notice.pdf"),
            "source_finding": str(finding.pk),
        },
    )
    order = RectificationOrder.unscoped.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rectification:detail", args=[order.pk])
    assert order.source_finding == finding and order.document_id is not None
    page = detail(client, order)
    assert "签到表缺少学员签名" in page.content.decode()
    assert b'data-testid="deadline-rectification"' in page.content
    # The evaluation agency has no step on an issued order.
    assert b'data-testid="order-steps"' not in page.content


def test_the_issue_form_shows_the_refusal_in_words(client, world):
    a, _b, _clock = world
    login(client, a.member)
    form_page = client.get(reverse("rectification:issue", args=[a.project.pk]))
    response = form_submit(
        client,
        form_page,
        "form[data-testid=issue-form]",
        data={
            "problem": "问题",
            "requirement": "要求",
            "clause": "HB §13",
            "deadline": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert "The day to remedy by must be after today." in response.content.decode()
    assert not RectificationOrder.unscoped.exists()


def test_the_agency_answers_with_files_and_the_evaluator_confirms(client, world):
    a, _b, _clock = world
    order = issue(a)
    login(client, a.agency)
    page = detail(client, order)
    assert b'data-testid="step-answer"' in page.content
    form_page = client.get(reverse("rectification:answer", args=[order.pk]))
    form_submit(
        client,
        form_page,
        "form[data-testid=answer-form]",
        data={"response": "已补齐签到记录", "files": [pdf("a.pdf"), pdf("b.pdf")]},
    )
    assert state(order) == OrderState.ANSWERED
    assert order.answers.get().files.count() == 2

    client.logout()
    login(client, a.evaluator)
    page = detail(client, order)
    assert b'data-testid="step-return"' in page.content
    form_submit(client, page, "form[data-testid=step-confirm]", data={"note": "已核实"})
    assert state(order) == OrderState.CONFIRMED

    client.logout()
    login(client, a.office)
    page = detail(client, order)
    form_submit(client, page, "form[data-testid=step-close]")
    assert state(order) == OrderState.CLOSED
    assert b'data-testid="order-steps"' not in detail(client, order).content


def test_the_answer_form_needs_evidence(client, world):
    a, _b, _clock = world
    order = issue(a)
    login(client, a.agency)
    response = form_submit(
        client,
        client.get(reverse("rectification:answer", args=[order.pk])),
        "form[data-testid=answer-form]",
        data={"response": "已整改"},
    )
    assert response.status_code == 200
    assert b'data-testid="error-files"' in response.content
    assert state(order) == OrderState.ISSUED


def test_the_evaluator_returns_from_the_page_with_the_reason(client, world):
    a, _b, clock = world
    order = issue(a)
    clock.set(D(2026, 11, 5))
    answer(a, order)
    login(client, a.evaluator)
    form_submit(client, detail(client, order), "form[data-testid=step-return]", data={"note": ""})
    assert state(order) == OrderState.ANSWERED
    form_submit(
        client, detail(client, order), "form[data-testid=step-return]", data={"note": "未整改"}
    )
    assert state(order) == OrderState.RETURNED


def test_the_office_urges_an_escalated_order_from_its_page(client, world):
    a, _b, clock = world
    order = issue(a)
    clock.set(D(2026, 11, 17))
    services.rectification_sweep(day=D(2026, 11, 17))
    login(client, a.office)
    page = detail(client, order)
    assert b'data-testid="escalated"' in page.content
    assert b'data-testid="step-urge"' in page.content
    form_submit(
        client,
        client.get(reverse("rectification:urge", args=[order.pk])),
        "form[data-testid=urge-form]",
        data={"note": "请于11月30日前整改", "deadline": "2026-11-30"},
    )
    order.refresh_from_db()
    assert order.state == OrderState.URGED and order.urged_deadline == D(2026, 11, 30)
    assert b'data-testid="deadline-rectification_urged"' in detail(client, order).content


def test_the_event_shows_on_the_order_and_its_source_on_the_events_page(client, world):
    a, _b, clock = world
    order = issue(a)
    clock.set(D(2026, 11, 17))
    services.rectification_sweep(day=D(2026, 11, 17))
    services.order_urge(user=a.office, order=order, note="限期整改", deadline=D(2026, 11, 30))
    services.rectification_sweep(day=D(2026, 12, 1))
    event = OrganisationEvent.unscoped.get()
    # An office may still type in history from before the platform; it shows as such.
    typed = review_services.organisation_event_record(
        user=a.office,
        organisation=a.agency.organisation,
        kind="unremedied_noncompliance",
        occurred_on=D(2025, 6, 1),
        description="平台上线前的整改逾期记录",
        evidence_upload=pdf("old.pdf"),
        entry_reason="平台上线前的记录",
    )
    login(client, a.office)
    assert b'data-testid="event"' in detail(client, order).content
    body = client.get(reverse("review:events")).content.decode()

    def source(e):
        return body.split(f'data-testid="event-source-{e.pk}"')[1].split("</td>")[0]

    assert "recorded by the platform from" in source(event)
    assert reverse("rectification:detail", args=[order.pk]) in source(event)
    assert "entered by hand" in source(typed)


def test_the_list_filters_by_state_and_project_and_stays_in_the_city(client, world):
    a, b, _clock = world
    open_order = issue(a)
    closed = issue(a)
    answer(a, closed)
    services.order_confirm(user=a.evaluator, order=closed)
    services.order_close(user=a.office, order=closed)
    other_city = issue(b)
    login(client, a.office)
    page = client.get(reverse("rectification:list"))
    body = page.content.decode()
    assert f'data-testid="order-{open_order.pk}"' in body
    assert f'data-testid="order-{closed.pk}"' in body
    assert f'data-testid="order-{other_city.pk}"' not in body
    filtered = form_submit(
        client, page, "form[data-testid=filter-form]", data={"state": "open"}
    ).content.decode()
    assert f'data-testid="order-{open_order.pk}"' in filtered
    assert f'data-testid="order-{closed.pk}"' not in filtered
    by_project = client.get(reverse("rectification:list"), {"project": a.promo.pk})
    assert f'data-testid="order-{open_order.pk}"' not in by_project.content.decode()
    newest_first = client.get(reverse("rectification:list"), {"sort": "-order"}).content.decode()
    assert newest_first.index(f"order-{closed.pk}") < newest_first.index(f"order-{open_order.pk}")
    assert 'data-testid="list-pager"' in newest_first and 'data-testid="list-search"' in body


def test_another_city_gets_404_and_a_wrong_role_403_nothing_changed(client, world):
    a, b, _clock = world
    order = issue(a)
    login(client, b.office)
    assert detail(client, order).status_code == 404
    assert client.get(reverse("rectification:issue", args=[a.project.pk])).status_code == 404
    client.logout()
    login(client, b.agency)
    assert detail(client, order).status_code == 404
    client.logout()
    login(client, a.office)
    response = client.post(
        reverse("rectification:answer", args=[order.pk]),
        {"response": "代答", "files": pdf("x.pdf")},
    )
    assert response.status_code == 403
    assert client.get(reverse("rectification:issue", args=[a.project.pk])).status_code == 403
    response = client.post(
        reverse("rectification:issue", args=[a.project.pk]),
        {"problem": "p", "requirement": "r", "clause": "c", "deadline": "2026-12-01"},
    )
    assert response.status_code == 403
    assert state(order) == OrderState.ISSUED
    assert RectificationOrder.unscoped.count() == 1
    assert not order.answers.exists()


def test_needs_my_action_lists_each_roles_orders(world):
    a, b, clock = world
    to_answer = issue(a)
    to_confirm = issue(a)
    answer(a, to_confirm)
    to_urge = issue(a, deadline=D(2026, 11, 10))
    clock.set(D(2026, 11, 11))
    services.rectification_sweep(day=D(2026, 11, 11))

    def queue(user, code):
        found = {q["code"]: q for q in needs_action(user=user)}
        return found.get(code)

    answers = queue(a.agency, "rectification_answers")
    assert answers["count"] == 2  # the issued and the escalated one (a late answer is welcome)
    assert {url for _label, url in answers["items"]} == {
        reverse("rectification:detail", args=[o.pk]) for o in (to_answer, to_urge)
    }
    confirm = queue(a.evaluator, "rectification_confirm")
    assert [url for _l, url in confirm["items"]] == [
        reverse("rectification:detail", args=[to_confirm.pk])
    ]
    urge = queue(a.office, "rectification_urge")
    assert [url for _l, url in urge["items"]] == [
        reverse("rectification:detail", args=[to_urge.pk])
    ]
    for user in (b.office, b.agency, b.evaluator):
        assert not any(q["code"].startswith("rectification") for q in needs_action(user=user))
