"""Pages and API of determination: role and jurisdiction matrix, forms, no N+1 queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.determination import services
from apps.determination.models import BudgetYear, Determination, FiledProject
from tests.factories import UserFactory
from tests.rendered_forms import form_submit

from .builders import (
    minutes_file,
    province_member_unit,
    province_office,
    reviewed_city,
    run_to,
)

pytestmark = pytest.mark.django_db


def _board(city):
    return reverse("determination:board", args=[city.call.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("hrss", 200),
        ("member", 200),
        ("province_office", 200),
        ("other_city_office", 404),
        ("other_city_hrss", 404),
        ("applicant", 403),
        ("expert", 403),
    ],
)
def test_board_matrix(client, who, status):
    city = reviewed_city()
    other = reviewed_city(amounts=(Decimal("100000.00"),))
    run_to(city, "submitted")
    users = {
        "office": city.office,
        "hrss": city.hrss,
        "member": city.member_user,
        "province_office": province_office(),
        "other_city_office": other.office,
        "other_city_hrss": other.hrss,
        "applicant": UserFactory(role=Role.APPLICANT),
        "expert": UserFactory(role=Role.EXPERT),
    }
    client.force_login(users[who])
    response = client.get(_board(city))
    assert response.status_code == status
    if status == 200:
        assert city.applications[0].project_name in response.content.decode()


def test_board_shows_each_role_its_own_action(client):
    city = reviewed_city()
    run_to(city, "submitted")
    approval = reverse("determination:approval", args=[city.call.pk])
    client.force_login(city.hrss)
    assert approval in client.get(_board(city)).content.decode()
    client.force_login(city.office)
    assert approval not in client.get(_board(city)).content.decode()
    assert client.get(approval).status_code == 403
    client.force_login(province_office())
    assert client.get(approval).status_code == 403


def test_propose_meeting_submit_approve_file_through_the_pages(client):
    city = reviewed_city()
    client.force_login(city.office)
    client.post(reverse("determination:propose", args=[city.call.pk]))
    determination = Determination.unscoped.get(call=city.call)
    entries = list(services.current_entries(determination))
    meeting_url = reverse("determination:meeting", args=[city.call.pk])
    assert client.get(meeting_url).status_code == 200
    # A refusal without reason: the form comes back with the error, nothing saved.
    data = {
        "held_on": datetime.date.today().isoformat(),
        "place": "市人社局会议室",
        "minutes": "会议纪要正文",
        "att-0-organisation": city.member_unit.pk,
        "att-0-person": "陈晨",
        "att-0-position": "副局长",
        f"entry-{entries[0].pk}": "yes",
        f"entry-{entries[1].pk}": "no",
        "minutes_file": minutes_file(),
    }
    response = client.post(meeting_url, data)
    assert response.status_code == 200
    assert "entry-" in str(response.context["errors"])
    data |= {f"reason-{entries[1].pk}": "与上年项目重复", "minutes_file": minutes_file()}
    response = client.post(meeting_url, data)
    assert response.status_code == 302
    client.post(reverse("determination:action", args=[city.call.pk, "submit"]))
    client.force_login(city.hrss)
    approval = reverse("determination:approval", args=[city.call.pk])
    response = client.post(approval, {"decision": "return", "opinion": ""})
    assert response.status_code == 200
    assert response.context["errors"]["note"]
    client.post(approval, {"decision": "approve", "opinion": "同意"})
    client.force_login(city.office)
    client.post(reverse("determination:action", args=[city.call.pk, "file"]))
    determination.refresh_from_db()
    assert determination.status == "filed"
    assert FiledProject.unscoped.count() == 1
    page = client.get(_board(city)).content.decode()
    assert FiledProject.unscoped.get().project.code in page


def test_other_city_cannot_post_steps(client):
    city = reviewed_city()
    other = reviewed_city(amounts=(Decimal("100000.00"),))
    client.force_login(other.office)
    response = client.post(reverse("determination:propose", args=[city.call.pk]))
    assert response.status_code == 404
    assert not Determination.unscoped.exists()


def test_resplit_page(client):
    city = reviewed_city(
        amounts=(Decimal("400000.00"),),
        schedules={0: (datetime.date(2027, 10, 1), datetime.date(2028, 3, 31))},
    )
    run_to(city, "filed")
    filed = FiledProject.unscoped.get()
    url = reverse("determination:filed", args=[filed.pk])
    client.force_login(city.office)
    page = client.get(url)
    assert page.status_code == 200
    assert "201092.89" in page.content.decode()
    response = form_submit(
        client,
        page,
        "form[data-testid=resplit]",
        data={"year-2027": "100000.00", "year-2028": "300000.00", "reason": "进度调整"},
        button="button[value=resplit]",
    )
    assert response.status_code == 302
    amounts = dict(BudgetYear.unscoped.filter(project=filed.project).values_list("year", "amount"))
    assert amounts == {2027: Decimal("201092.89"), 2028: Decimal("198907.11")}  # not yet
    client.force_login(city.hrss)  # reads, does not re-split; decides the exception
    page = client.get(url)
    assert 'name="reason"' not in page.content.decode()
    response = form_submit(
        client, page, "form[data-testid=decide-exception]", button="button[value=approve]"
    )
    assert response.status_code == 302
    amounts = dict(BudgetYear.unscoped.filter(project=filed.project).values_list("year", "amount"))
    assert amounts == {2027: Decimal("100000.00"), 2028: Decimal("300000.00")}


def _published_world():
    cities = [reviewed_city(amounts=(Decimal("100000.00"), Decimal("120000.00"))) for _ in "ab"]
    for city in cities:
        run_to(city, "filed")
    office = province_office()
    arrangement = services.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    services.arrangement_publish(user=office, arrangement=arrangement)
    return cities, office, arrangement


def test_arrangement_compile_and_publish_pages(client):
    city = reviewed_city()
    run_to(city, "filed")
    office = province_office()
    client.force_login(city.office)
    assert client.post(reverse("determination:arrangements"), {"year": 2027}).status_code == 403
    client.force_login(office)
    response = client.post(reverse("determination:arrangements"), {"year": 2027})
    assert response.status_code == 302
    arrangement = office.organisation.jurisdiction.arrangements.get()
    page = client.get(reverse("determination:arrangement", args=[arrangement.pk]))
    assert reverse("determination:publish", args=[arrangement.pk]) in page.content.decode()
    confirmation = client.get(reverse("determination:publish", args=[arrangement.pk]))
    arrangement.refresh_from_db()
    assert arrangement.status == "draft"
    form_submit(
        client, confirmation, "form[data-testid=confirm-form]", button="button[name=confirmed]"
    )
    arrangement.refresh_from_db()
    assert arrangement.status == "published"


def test_publishing_the_arrangement_states_the_consequence_first(client):
    city = reviewed_city()
    run_to(city, "filed")
    office = province_office()
    client.force_login(office)
    client.post(reverse("determination:arrangements"), {"year": 2027})
    arrangement = office.organisation.jurisdiction.arrangements.get()
    url = reverse("determination:publish", args=[arrangement.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "goes on the public pages" in page and "is not withdrawn" in page
    arrangement.refresh_from_db()
    assert arrangement.status == "draft"


def test_adjustment_through_the_pages(client):
    (a, _b), _office, arrangement = _published_world()
    member = province_member_unit()
    entry = arrangement.entries.filter(jurisdiction=a.jurisdiction).first()
    client.force_login(a.office)
    new_url = reverse("determination:adjustment_new", args=[arrangement.pk])
    assert client.get(new_url).status_code == 200
    response = client.post(
        new_url,
        {
            "kind": "change",
            "ground": "special",
            "entry": entry.pk,
            "subject": "实施周期",
            "after_text": "延长至2027年12月31日",
            "reason": "疫情影响集中培训",
            "consenting_unit": member.organisation_id,
            "new_end_date": "2027-12-31",
        },
    )
    assert response.status_code == 302
    adjustment = arrangement.adjustments.get()
    detail = reverse("determination:adjustment", args=[adjustment.pk])
    client.force_login(member)
    assert "consent-form" in client.get(detail).content.decode()
    client.post(detail, {"action": "consent", "note": "同意"})
    client.force_login(a.office)
    client.post(detail, {"action": "publish"})
    adjustment.refresh_from_db()
    assert adjustment.status == "published"
    page = client.get(reverse("determination:arrangement", args=[arrangement.pk])).content
    assert "superseded" in page.decode()
    public = client.get(reverse("determination:public_arrangement", args=[arrangement.pk]))
    assert "疫情影响集中培训" in public.content.decode()


def test_list_pages_have_no_n_plus_one(client, django_assert_max_num_queries):
    cities, office, arrangement = _published_world()
    member = province_member_unit()
    for city in cities:
        entry = arrangement.entries.filter(jurisdiction=city.jurisdiction).first()
        services.adjustment_request(
            user=city.office,
            arrangement=arrangement,
            kind="procurement_item",
            ground="special",
            entry=entry,
            subject="采购品目",
            after_text="线上培训",
            reason="改为线上",
            consenting_unit=member.organisation,
            new_procurement_item="工伤预防线上培训服务",
        )
    client.force_login(office)
    pages = [
        reverse("determination:index"),
        reverse("determination:arrangements"),
        reverse("determination:arrangement", args=[arrangement.pk]),
        reverse("determination:adjustments"),
        _board(cities[0]),
    ]
    for url in pages:
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200
    client.logout()
    for url in (
        reverse("public:call_list"),
        reverse("determination:public_arrangement", args=[arrangement.pk]),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_api_is_read_only_and_scoped(client):
    (a, b), office, _arrangement = _published_world()
    client.force_login(a.office)
    data = client.get("/api/v1/determinations/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["call"] for r in rows] == [a.call.pk]
    assert len(rows[0]["entries"]) == 2
    entries = client.get("/api/v1/arrangement-entries/").json()
    entries = entries["results"] if isinstance(entries, dict) else entries
    assert {e["jurisdiction"] for e in entries} == {a.jurisdiction.pk}
    other_filed = FiledProject.unscoped.filter(determination__call=b.call).first()
    assert client.get(f"/api/v1/filed-projects/{other_filed.pk}/").status_code == 404
    own = FiledProject.unscoped.filter(determination__call=a.call).first()
    body = client.get(f"/api/v1/filed-projects/{own.pk}/").json()
    assert body["budget_years"] == [{"year": 2027, "days": 275, "amount": "100000.00"}]
    assert client.post("/api/v1/arrangements/", {}).status_code == 405
    client.force_login(office)
    rows = client.get("/api/v1/determinations/?status=filed").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert len(rows) == 2
    assert client.get("/api/v1/adjustments/?arrangement=99999999999999999999").status_code == 400
