"""Pages and API of the deadline engine: whose deadlines a user sees, overdue rows
highlighted, the holiday-schedule pages, notifications, and region scoping (HB §24)."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.accounts.roles import Role
from apps.deadlines.models import DeadlineStatus, HolidaySchedule, Notification
from apps.deadlines.services import deadline_reminders_send
from tests.deadlines.factories import DeadlineFactory, region_with_rules
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return region_with_rules()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def two_cities(region, today):
    """An overdue and an upcoming plan review in 石家庄, an overdue one in 唐山."""
    sjz_project = ProjectFactory(jurisdiction=region.sjz, name="石家庄建筑施工培训")
    ts_project = ProjectFactory(jurisdiction=region.ts, name="唐山冶金培训")
    return {
        "overdue": DeadlineFactory(
            project=sjz_project, due_on=today - datetime.timedelta(3), status="overdue"
        ),
        "upcoming": DeadlineFactory(
            project=ProjectFactory(jurisdiction=region.sjz, name="石家庄宣传项目"),
            due_on=today + datetime.timedelta(4),
        ),
        "far": DeadlineFactory(
            project=ProjectFactory(jurisdiction=region.sjz, name="石家庄远期项目"),
            due_on=today + datetime.timedelta(30),
        ),
        "other_city": DeadlineFactory(project=ts_project, due_on=today - datetime.timedelta(1)),
        "sjz_office": UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz),
    }


def _overdue_label() -> str:
    with translation.override("zh-hans"):
        return gettext("Overdue")


def test_my_deadlines_lists_overdue_highlighted_and_upcoming(client, two_cities):
    client.force_login(two_cities["sjz_office"])
    page = client.get("/deadlines/").content.decode()
    assert "石家庄建筑施工培训" in page and "石家庄宣传项目" in page
    assert "石家庄远期项目" not in page  # due in 30 days: not yet
    assert "唐山冶金培训" not in page
    overdue_row = page.split(f'data-deadline="{two_cities["overdue"].pk}"')[0].rsplit("<tr", 1)[1]
    assert "table-danger" in overdue_row
    assert _overdue_label() in page


def test_the_home_card_counts_and_highlights(client, two_cities):
    client.force_login(two_cities["sjz_office"])
    response = client.get("/")
    card = response.context["deadlines"]
    assert (card.overdue_count, card.upcoming_count) == (1, 1)
    assert [d.pk for d in card.rows] == [two_cities["overdue"].pk, two_cities["upcoming"].pk]
    page = response.content.decode()
    assert 'data-testid="deadline-card"' in page
    assert 'class="table-danger" data-testid="deadline-row"' in page


def test_the_home_card_shows_the_top_five(client, region, today):
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    for offset in range(-3, 5):
        DeadlineFactory(
            project=ProjectFactory(jurisdiction=region.sjz),
            due_on=today + datetime.timedelta(offset),
        )
    client.force_login(office)
    page = client.get("/").content.decode()
    assert page.count('data-testid="deadline-row"') == 5
    assert page.count("table-danger") == 3


def test_an_open_deadline_past_its_date_shows_overdue_before_the_sweep(client, region, today):
    deadline = DeadlineFactory(
        project=ProjectFactory(jurisdiction=region.sjz), due_on=today - datetime.timedelta(1)
    )
    assert deadline.status == DeadlineStatus.OPEN
    client.force_login(UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz))
    card = client.get("/").context["deadlines"]
    assert card.overdue_count == 1 and [d.pk for d in card.rows] == [deadline.pk]


def test_responsibility_by_role_and_organisation(client, region, today):
    agency = OrganisationFactory(kind="implementing_agency", jurisdiction=region.sjz)
    project = ProjectFactory(jurisdiction=region.sjz)
    agency_duty = DeadlineFactory(
        project=project, owner_role=Role.IMPLEMENTER, owner_organisation=agency, due_on=today
    )
    office_duty = DeadlineFactory(project=ProjectFactory(jurisdiction=region.sjz), due_on=today)
    implementer = UserFactory(role=Role.IMPLEMENTER, organisation=agency)
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    si_agency = UserFactory(role=Role.SI_AGENCY, organisation__jurisdiction=region.sjz)
    province_office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province)

    def mine(user):
        client.force_login(user)
        context = client.get("/deadlines/").context
        return {d.pk for d in [*context["overdue"].page, *context["upcoming"].page]}

    assert mine(implementer) == {agency_duty.pk}
    assert mine(office) == {office_duty.pk}
    assert mine(si_agency) == set()
    assert mine(province_office) == {office_duty.pk}  # supervises its cities' offices


def test_deadline_detail_of_another_city_is_404(client, two_cities):
    client.force_login(two_cities["sjz_office"])
    own = client.get(f"/deadlines/{two_cities['overdue'].pk}/")
    assert own.status_code == 200
    assert two_cities["overdue"].rule.source in own.content.decode()
    assert client.get(f"/deadlines/{two_cities['other_city'].pk}/").status_code == 404


def test_the_deadline_page_shows_the_finding(client, region):
    from apps.deadlines.services import deadline_open, deadlines_mark_overdue

    project = ProjectFactory(jurisdiction=region.sjz)
    deadline = deadline_open(
        rule_code="plan_review",
        jurisdiction=region.sjz,
        subject=project,
        starts_on=datetime.date(2025, 9, 26),
        owner_role=Role.OFFICE,
    )
    deadlines_mark_overdue(today=datetime.date(2025, 10, 11))
    client.force_login(UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz))
    page = client.get(f"/deadlines/{deadline.pk}/").content.decode()
    assert 'data-testid="finding"' in page and "HB §11" in page and "2025-10-10" in page


def test_api_lists_own_city_only_and_other_city_is_404(client, two_cities):
    client.force_login(two_cities["sjz_office"])
    body = client.get("/api/v1/deadlines/").json()
    ids = {row["id"] for row in body["results"]}
    assert ids == {two_cities[k].pk for k in ("overdue", "upcoming", "far")}
    assert client.get(f"/api/v1/deadlines/{two_cities['other_city'].pk}/").status_code == 404
    row = client.get(f"/api/v1/deadlines/{two_cities['overdue'].pk}/").json()
    assert (row["rule_code"], row["rule_source"], row["jurisdiction"]) == (
        "plan_review",
        "HB §11",
        "130100",
    )
    assert row["subject_type"] == "projects.project"


def test_api_filters(client, two_cities, region):
    client.force_login(UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province))

    def ids(**query):
        return {row["id"] for row in client.get("/api/v1/deadlines/", query).json()["results"]}

    assert ids(status="overdue") == {two_cities["overdue"].pk}
    assert ids(rule_code="plan_review") == {
        two_cities[k].pk for k in ("overdue", "upcoming", "far", "other_city")
    }
    assert ids(rule_code="balance_payment") == set()
    assert ids(project=two_cities["overdue"].project_id) == {two_cities["overdue"].pk}
    assert client.get("/api/v1/deadlines/", {"project": str(2**70)}).status_code == 400
    assert client.get("/api/v1/deadlines/", {"status": "late"}).status_code == 400


def test_api_for_an_external_organisation_is_its_own_duties(client, region, today):
    agency = OrganisationFactory(kind="implementing_agency", jurisdiction=region.sjz)
    own = DeadlineFactory(
        project=ProjectFactory(jurisdiction=region.sjz),
        owner_role=Role.IMPLEMENTER,
        owner_organisation=agency,
    )
    DeadlineFactory(project=ProjectFactory(jurisdiction=region.sjz))
    client.force_login(UserFactory(role=Role.IMPLEMENTER, organisation=agency))
    assert [row["id"] for row in client.get("/api/v1/deadlines/").json()["results"]] == [own.pk]


def test_the_deadlines_page_does_not_grow_queries_with_rows(
    client, region, today, django_assert_max_num_queries
):
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    agency = OrganisationFactory(kind="implementing_agency", jurisdiction=region.sjz)
    client.force_login(office)

    def add(n):
        for offset in range(n):
            DeadlineFactory(
                project=ProjectFactory(jurisdiction=region.sjz),
                due_on=today + datetime.timedelta(offset - n // 2),
                owner_organisation=agency if offset % 2 else None,
            )

    add(2)
    client.get("/deadlines/")
    # 13: the two lists (a count and a page each, their findings) and the city filter's choices
    with django_assert_max_num_queries(13) as few:
        client.get("/deadlines/")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/deadlines/")
    context = response.context
    assert context["overdue"].count + context["upcoming"].count == 22


def test_the_home_page_does_not_grow_queries_with_deadlines(
    client, region, today, django_assert_max_num_queries
):
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    client.force_login(office)
    DeadlineFactory(project=ProjectFactory(jurisdiction=region.sjz), due_on=today)
    client.get("/")
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    for offset in range(10):
        DeadlineFactory(
            project=ProjectFactory(jurisdiction=region.sjz),
            due_on=today - datetime.timedelta(offset),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


# --- holiday schedules --------------------------------------------------------------------


@pytest.fixture
def province_admin(region):
    return UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=region.province)


def test_holiday_pages_are_for_province_user_administrators(client, region, province_admin):
    city_admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=region.sjz)
    client.force_login(city_admin)
    assert client.get("/deadlines/holidays/").status_code == 403
    assert client.get("/deadlines/holidays/2027/").status_code == 403
    assert client.post("/deadlines/holidays/2027/", {"holidays": "2027-01-01"}).status_code == 403
    assert not HolidaySchedule.objects.exists()
    client.force_login(province_admin)
    assert client.get("/deadlines/holidays/").status_code == 200


def test_holiday_list_shows_where_each_year_comes_from(client, province_admin, today):
    client.force_login(province_admin)
    years = {y.year: y.source for y in client.get("/deadlines/holidays/").context["listing"].page}
    assert years[2026] == "library"
    assert years[2027] in ("", "entered")
    assert set(years) >= {today.year - 1, today.year, today.year + 1}


def test_entering_2027_with_commas_and_lines(client, province_admin):
    client.force_login(province_admin)
    response = client.post(
        "/deadlines/holidays/2027/",
        {
            "holidays": "2027-01-01, 2027-01-02，2027-01-03\n2027-02-06\n2027-02-07",
            "working_weekends": "2027-02-20",
            "source": "测试用虚构安排",
        },
    )
    assert response.status_code == 302
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.holidays == [
        "2027-01-01",
        "2027-01-02",
        "2027-01-03",
        "2027-02-06",
        "2027-02-07",
    ]
    client.get("/deadlines/holidays/")
    years = {y.year: y.source for y in client.get("/deadlines/holidays/").context["listing"].page}
    assert years[2027] == "entered"
    form = client.get("/deadlines/holidays/2027/").context["form"]
    assert form.initial["working_weekends"] == "2027-02-20"


def test_a_date_of_another_year_is_shown_on_its_field(client, province_admin):
    client.force_login(province_admin)
    response = client.post(
        "/deadlines/holidays/2027/",
        {"holidays": "2027-01-01\n2026-10-01", "working_weekends": "2027-02-22", "source": "x"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "2026-10-01" in errors["holidays"][0]
    assert "2027-02-22" in errors["working_weekends"][0]
    page = response.content.decode()
    assert 'data-testid="error-holidays"' in page and 'data-testid="error-working_weekends"' in page
    assert not HolidaySchedule.objects.exists()


# --- notifications ------------------------------------------------------------------------


def test_notifications_list_and_mark_read(client, region, today):
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    other = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.ts)
    DeadlineFactory(project=ProjectFactory(jurisdiction=region.sjz), due_on=today)
    DeadlineFactory(project=ProjectFactory(jurisdiction=region.ts), due_on=today)
    deadline_reminders_send(today=today)
    mine = Notification.objects.get(recipient=office)
    theirs = Notification.objects.get(recipient=other)

    client.force_login(office)
    assert client.get("/").context["unread_notifications"] == 1
    page = client.get("/deadlines/notifications/").content.decode()
    assert mine.message in page and theirs.message not in page
    assert 'data-testid="list-pager"' in page and 'data-testid="list-search"' in page
    missed = client.get("/deadlines/notifications/", {"q": "不会出现的提醒"}).content.decode()
    assert mine.message not in missed
    assert client.post(f"/deadlines/notifications/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/deadlines/notifications/{mine.pk}/read/", HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200 and f'id="notification-{mine.pk}"' in response.content.decode()
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert client.get("/").context["unread_notifications"] == 0


def test_mark_all_read(client, region, today):
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    for _ in range(2):
        DeadlineFactory(project=ProjectFactory(jurisdiction=region.sjz), due_on=today)
    deadline_reminders_send(today=today)
    client.force_login(office)
    assert client.post("/deadlines/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=office, read_at__isnull=True).exists()


def test_navigation_has_deadlines_for_all_and_holidays_for_province_admins(
    client, region, province_admin
):
    client.force_login(UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=region.sjz))
    page = client.get("/").content.decode()
    assert 'href="/deadlines/"' in page and 'href="/deadlines/holidays/"' not in page
    client.force_login(province_admin)
    assert 'href="/deadlines/holidays/"' in client.get("/").content.decode()
