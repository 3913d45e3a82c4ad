"""The training lists through the list helper (issue 17 item 3): a class page shows its
sessions and its roster with hours, each sorted, sized and paged on its own (prefixed
parameters); a session's staff confirmations are all reachable (no longer cut at 50); a
trainee's attendance pages too. Another city's office reaches none of it by any parameter."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.training.models import AttendanceKind, PresenceConfirmation, Session
from tests.factories import UserFactory
from tests.rendered_forms import form_submit
from tests.training.world import START, VENUE, trainee_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(world):
    a, b = world
    for n in range(30):
        Session.unscoped.create(
            training_class=a.training_class,
            title=f"加课{n:02d}",
            teacher=f"老师{n % 7}",
            starts_at=START + datetime.timedelta(days=n + 1),
            ends_at=START + datetime.timedelta(days=n + 1, hours=2),
            venue_address="石家庄市长安区中山东路1号",
            latitude=VENUE[0],
            longitude=VENUE[1],
            coordinate_system="gcj02",
            radius_m=200,
        )
    trainees = [trainee_for(a, name=f"学员{n:02d}") for n in range(30)]
    now = timezone.now()
    for trainee in trainees:
        for kind in (AttendanceKind.CHECK_IN, AttendanceKind.CHECK_OUT):
            PresenceConfirmation.unscoped.create(
                session=a.session,
                trainee=trainee,
                kind=kind,
                reason="不同意人脸识别",
                requested_at=now,
                requested_by=a.agency,
            )
    trainee_for(b, name="乙市学员")
    return a, b


def _get(user, url, **params):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(url, params)


def _class_page(user, a, **params):
    response = _get(user, reverse("training:class", args=[a.training_class.pk]), **params)
    assert response.status_code == 200
    return response


def test_sessions_and_roster_page_on_their_own(lists):
    a, _b = lists
    response = _class_page(a.office, a, sessions_per_page=25, sessions_page=2, trainees_per_page=25)
    sessions, progress = response.context["sessions"], response.context["progress"]
    assert sessions.count == 31 and len(sessions.page) == 6 and sessions.page.number == 2
    assert progress.count == 30 and len(progress.page) == 25 and progress.page.number == 1
    # the roster's next page keeps the sessions' page and size
    assert "sessions_page=2" in progress.next_url and "trainees_page=2" in progress.next_url
    second = _class_page(a.office, a, trainees_per_page=25, trainees_page=2)
    names = [r.trainee.name for r in second.context["progress"].page]
    assert len(names) == 5 and names[-1] == "学员29"


def test_sessions_and_roster_sort_both_ways_and_search(lists):
    a, _b = lists
    up = _class_page(a.office, a, sessions_sort="title", sessions_per_page=100)
    down = _class_page(a.office, a, sessions_sort="-title", sessions_per_page=100)
    titles = [s.title for s in up.context["sessions"].page]
    assert titles == sorted(titles) and [s.title for s in down.context["sessions"].page] == list(
        reversed(titles)
    )
    roster = _class_page(a.office, a, trainees_sort="-name", trainees_per_page=100)
    names = [r.name for r in roster.context["progress"].page]
    assert names == sorted(names, reverse=True) and len(names) == 30
    found = _class_page(a.office, a, q="学员07").context["progress"]
    assert [r.trainee.name for r in found.page] == ["学员07"]
    early = _class_page(a.office, a, starts_until=(START + datetime.timedelta(days=5)).date())
    assert early.context["sessions"].count == 6


def test_a_sessions_confirmations_are_all_reachable(lists):
    a, _b = lists
    url = reverse("training:session", args=[a.session.pk])
    seen = set()
    for number in (1, 2, 3):
        response = _get(a.office, url, confirmations_per_page=25, confirmations_page=number)
        seen |= {c.pk for c, _actions in response.context["confirmation_rows"]}
    assert len(seen) == 60  # more than the 50 the page once showed
    pending = _get(a.office, url, confirmation_status="approved").context["confirmations"]
    assert pending.count == 0
    project = _get(a.office, reverse("training:project", args=[a.project.pk]))
    assert project.context["pending"].count == 60


def test_a_province_office_reads_the_class_lists(lists):
    a, _b = lists
    province = UserFactory(role=Role.OFFICE, organisation__jurisdiction=a.city.parent)
    response = _class_page(province, a, sessions_per_page=100)
    assert response.context["sessions"].count == 31
    assert response.context["progress"].count == 30


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "乙市学员"},
        {"jurisdiction": "139902"},
        {"sessions_per_page": 200, "trainees_per_page": 200},
        {"trainees_sort": "-hours"},
    ],
)
def test_another_citys_office_reaches_nothing(lists, params):
    a, b = lists
    for name, pk in (
        ("training:class", a.training_class.pk),
        ("training:session", a.session.pk),
        ("training:project", a.project.pk),
    ):
        assert _get(b.office, reverse(name, args=[pk]), **params).status_code == 404
    own = _class_page(a.office, a, **params).context["progress"]
    assert all(row.trainee.project_id == a.project.pk for row in own.page)
    assert "乙市学员" not in {row.trainee.name for row in own.page}


def test_the_roster_search_submits_from_the_page_keeping_the_sessions_page(lists):
    a, _b = lists
    client = Client()
    client.force_login(a.office)
    page = client.get(
        reverse("training:class", args=[a.training_class.pk]),
        {"sessions_per_page": 25, "sessions_page": 2},
    )
    found = form_submit(client, page, "form[role=search]", data={"q": "学员1"})
    assert {r.trainee.name for r in found.context["progress"].page} == {
        f"学员{n}" for n in range(10, 20)
    }
    assert found.context["sessions"].per_page == 25
