"""The deadlines page through the list helper (issue 17 item 3, issue 11 item 6): overdue and
upcoming each paged, sorted and sized on their own (prefixed parameters), one search box and
filter form for both (the API's DeadlineFilter), a province office filters by city, a city
office never sees another city's duties through any parameter, and the page's queries do not
grow with the number of deadlines."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.accounts.roles import Role
from apps.deadlines.models import Deadline
from apps.jurisdictions.models import DeadlineRule
from apps.projects.models import Project
from tests.deadlines.factories import region_with_rules
from tests.factories import ProjectFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def _many(project, *, overdue: int, upcoming: int, label: str = "主题") -> None:
    today = timezone.localdate()
    rule = DeadlineRule.objects.get(jurisdiction=project.jurisdiction, code="plan_review")
    kind = ContentType.objects.get_for_model(Project)
    Deadline.unscoped.bulk_create(
        Deadline(
            rule=rule,
            jurisdiction=project.jurisdiction,
            subject_type=kind,
            subject_id=project.pk * 100_000 + i,
            subject_label=f"{label}{i:03d}",
            project=project,
            starts_on=today - datetime.timedelta(days=30),
            due_on=today + datetime.timedelta(days=(-1 - i % 20) if i < overdue else i % 14),
            owner_role=Role.OFFICE,
        )
        for i in range(overdue + upcoming)
    )


@pytest.fixture
def world():
    region = region_with_rules()
    sjz, ts = ProjectFactory(jurisdiction=region.sjz), ProjectFactory(jurisdiction=region.ts)
    _many(sjz, overdue=60, upcoming=30, label="石家庄事项")
    _many(ts, overdue=5, upcoming=4, label="唐山事项")
    return {
        "sjz_office": UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz),
        "province_office": UserFactory(
            role=Role.OFFICE, organisation__jurisdiction=region.province
        ),
    }


def _labels(listing) -> list[str]:
    return [d.subject_label for d in listing.page]


def test_each_list_pages_on_its_own_and_page_two_is_reachable(client, world):
    client.force_login(world["sjz_office"])
    first = client.get("/deadlines/", {"overdue_per_page": 25, "upcoming_per_page": 50})
    overdue = first.context["overdue"]
    assert (overdue.count, len(overdue.page), overdue.page.paginator.num_pages) == (60, 25, 3)
    html = first.content.decode()
    assert 'data-testid="overdue_page-next"' in html
    assert 'data-testid="upcoming_page-next"' not in html  # 30 rows fit one page of 50
    second = client.get("/deadlines/" + overdue.next_url)
    assert second.context["overdue"].page.number == 2
    assert second.context["upcoming"].page.number == 1
    seen = set()
    for number in (1, 2, 3):
        page = client.get("/deadlines/", {"overdue_per_page": 25, "overdue_page": number})
        seen |= {d.pk for d in page.context["overdue"].page}
    assert len(seen) == 60


def test_sorting_both_ways_by_due_date_and_subject(client, world):
    client.force_login(world["sjz_office"])
    up = client.get("/deadlines/", {"overdue_sort": "due", "overdue_per_page": 100})
    down = client.get("/deadlines/", {"overdue_sort": "-due", "overdue_per_page": 100})
    dates_up = [d.due_on for d in up.context["overdue"].page]
    dates_down = [d.due_on for d in down.context["overdue"].page]
    assert dates_up == sorted(dates_up) and dates_down == sorted(dates_down, reverse=True)
    assert dates_up[0] != dates_up[-1]
    by_subject = client.get("/deadlines/", {"upcoming_sort": "-subject"}).context["upcoming"]
    assert _labels(by_subject) == sorted(_labels(by_subject), reverse=True)
    # Sorting one list leaves the other's order alone.
    assert down.context["upcoming"].sort == "due"
    html = down.content.decode()
    assert 'aria-sort="descending"' in html and "overdue_sort=due" in html


def test_the_search_box_narrows_both_lists(client, world):
    client.force_login(world["sjz_office"])
    page = client.get("/deadlines/")
    found = form_submit(client, page, "form[role=search]", data={"q": "石家庄事项001"})
    assert _labels(found.context["overdue"]) == ["石家庄事项001"]
    assert _labels(found.context["upcoming"]) == []
    rule = client.get("/deadlines/", {"q": "plan_review"}).context
    assert rule["overdue"].count == 60 and rule["upcoming"].count == 30


def test_the_page_size_choice(client, world):
    client.force_login(world["sjz_office"])
    page = client.get("/deadlines/", {"upcoming_per_page": 100})
    upcoming = page.context["upcoming"]
    assert (upcoming.per_page, len(upcoming.page)) == (100, 30)
    assert page.context["overdue"].per_page == 25  # two lists on one page: 25 each at first
    assert client.get("/deadlines/", {"upcoming_per_page": 13}).context["upcoming"].per_page == 25


def test_a_province_office_filters_by_city_from_the_rendered_form(client, world):
    client.force_login(world["province_office"])
    page = client.get("/deadlines/")
    assert page.context["overdue"].count == 65  # both cities' office duties
    only_ts = form_submit(
        client, page, "form[data-testid=list-filters]", data={"jurisdiction": "130200"}
    )
    assert only_ts.context["overdue"].count == 5 and only_ts.context["upcoming"].count == 4
    assert all(label.startswith("唐山") for label in _labels(only_ts.context["overdue"]))


@pytest.mark.parametrize(
    "params",
    [
        {"jurisdiction": "130200"},
        {"q": "唐山事项"},
        {"overdue_sort": "city", "overdue_per_page": 200},
        {"overdue_page": 2, "upcoming_page": 9},
        {"rule_code": "plan_review", "status": "open"},
    ],
)
def test_a_city_office_never_sees_another_citys_deadlines(client, world, params):
    client.force_login(world["sjz_office"])
    context = client.get("/deadlines/", params).context
    for listing in (context["overdue"], context["upcoming"]):
        assert not any(label.startswith("唐山") for label in _labels(listing))
    assert not re.search(r"唐山事项\d", client.get("/deadlines/", params).content.decode())


def test_the_page_at_thousands_of_deadlines_costs_the_queries_of_the_page_at_ten(
    client, django_assert_max_num_queries
):
    region = region_with_rules()
    project = ProjectFactory(jurisdiction=region.province.children.get(code="130100"))
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province)
    _many(project, overdue=5, upcoming=5)
    client.force_login(office)
    client.get("/deadlines/")
    with django_assert_max_num_queries(30) as few:
        client.get("/deadlines/", {"q": "主题", "overdue_sort": "-rule"})
    Deadline.unscoped.all().delete()
    _many(project, overdue=2_000, upcoming=1_000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/deadlines/", {"q": "主题", "overdue_sort": "-rule"})
    assert response.context["overdue"].count == 2_000
    assert len(response.context["overdue"].page) == 25
