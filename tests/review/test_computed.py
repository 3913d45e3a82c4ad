"""Items the platform scores from the application (SZ 1.2, 3.2, 3.3①), at their boundaries.

The application is built in memory: unsaved TeamMember and PastProject rows behind the same
`.all()` the prefetched relations offer."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from apps.applications.models import PastProject, TeamMember
from apps.review.computed import computed_score, computed_scores
from apps.review.rubric import load_rubric

CLOSES = timezone.make_aware(datetime.datetime(2026, 12, 31, 17, 0))


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("shenzhen-2027")


class _Rows(list):
    def all(self):
        return self


def leader(**kwargs) -> TeamMember:
    data = {
        "is_leader": True,
        "name": "张伟",
        "title_level": "none",
        "title_field": "安全工程",
        "degree": "other",
        "degree_field": "安全工程",
        "years_experience": 5,
        "experience_field": "安全生产培训",
    }
    return TeamMember(**(data | kwargs))


def member(name: str, **kwargs) -> TeamMember:
    return leader(is_leader=False, name=name, **kwargs)


def application(*members, projects=()):
    return SimpleNamespace(
        teammember_set=_Rows(members),
        pastproject_set=_Rows(projects),
        call=SimpleNamespace(closes_at=CLOSES),
    )


def score(rubric, code: str, app) -> Decimal:
    return computed_score(rubric, rubric.row(code), app).score


# --- 1.2① the leader's experience: two years and more, in a relevant field -------------


def test_leader_with_two_years_relevant_experience_meets_1_2_1(rubric):
    result = computed_score(rubric, rubric.row("1.2①"), application(leader(years_experience=2)))
    assert (result.score, result.level_code) == (Decimal("1"), "yes")


def test_leader_with_one_year_does_not_meet_1_2_1(rubric):
    result = computed_score(rubric, rubric.row("1.2①"), application(leader(years_experience=1)))
    assert (result.score, result.level_code) == (Decimal("0"), "no")
    assert "张伟: 1 years of experience" in result.derivation[0]


def test_leader_experience_in_an_irrelevant_field_does_not_meet_1_2_1(rubric):
    app = application(leader(years_experience=10, experience_field="餐饮管理"))
    result = computed_score(rubric, rubric.row("1.2①"), app)
    assert result.score == Decimal("0")
    assert "餐饮管理" in result.derivation[0]
    assert result.derivation[1] == "The field of the experience is not a relevant one."


def test_no_leader_scores_nothing_on_1_2_and_says_so(rubric):
    result = computed_score(rubric, rubric.row("1.2①"), application(member("李娜")))
    assert result.score == Decimal("0")
    assert result.derivation == ("The application names no project leader.",)
    assert score(rubric, "1.2②", application(member("李娜", title_level="senior"))) == 0


# --- 1.2② the leader's title ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "points"),
    [
        ("senior", "3"),
        ("deputy_senior", "2"),
        ("intermediate", "1"),
        ("junior", "0.5"),
        ("qualification", "0.5"),
        ("none", "0"),
    ],
)
def test_leader_title_scores_1_2_2(rubric, title, points):
    app = application(leader(title_level=title, qualifications="注册安全工程师"))
    assert score(rubric, "1.2②", app) == Decimal(points)


def test_leader_title_in_an_irrelevant_field_scores_0_with_the_reason(rubric):
    app = application(leader(title_level="senior", title_field="会计"))
    result = computed_score(rubric, rubric.row("1.2②"), app)
    assert result.score == Decimal("0")
    assert result.derivation == ("张伟: Senior (正高级) (会计) — not a relevant field → 0",)


def test_a_qualification_counts_by_the_qualifications_name(rubric):
    app = application(
        leader(title_level="qualification", title_field="", qualifications="注册安全工程师")
    )
    assert score(rubric, "1.2②", app) == Decimal("0.5")


# --- 1.2③ the leader's degree ------------------------------------------------------------


@pytest.mark.parametrize(
    ("degree", "points"),
    [("doctor", "2"), ("master", "1.5"), ("bachelor", "1"), ("other", "0")],
)
def test_leader_degree_scores_1_2_3(rubric, degree, points):
    assert score(rubric, "1.2③", application(leader(degree=degree))) == Decimal(points)


def test_leader_degree_in_an_irrelevant_field_scores_0(rubric):
    app = application(leader(degree="doctor", degree_field="古典文学"))
    assert score(rubric, "1.2③", app) == Decimal("0")


# --- 3.2 the team, leader excluded -------------------------------------------------------------


def test_team_formed_with_a_member_besides_the_leader_meets_3_2_1(rubric):
    result = computed_score(rubric, rubric.row("3.2①"), application(leader(), member("李娜")))
    assert (result.score, result.level_code) == (Decimal("1"), "yes")
    assert result.derivation == ("1 team members besides the project leader.",)


def test_leader_alone_is_no_team_for_3_2_1(rubric):
    result = computed_score(rubric, rubric.row("3.2①"), application(leader()))
    assert (result.score, result.level_code) == (Decimal("0"), "no")


def test_the_leaders_own_title_does_not_count_for_the_team(rubric):
    app = application(leader(title_level="senior"), member("李娜", title_level="none"))
    assert score(rubric, "3.2②", app) == Decimal("0")


def test_two_deputy_senior_members_reach_the_cap_of_3(rubric):
    app = application(
        leader(),
        member("李娜", title_level="deputy_senior"),
        member("王强", title_level="deputy_senior"),
    )
    assert score(rubric, "3.2②", app) == Decimal("3")


def test_three_deputy_senior_members_are_still_capped_at_3(rubric):
    app = application(
        leader(), *(member(name, title_level="deputy_senior") for name in ("李娜", "王强", "赵敏"))
    )
    result = computed_score(rubric, rubric.row("3.2②"), app)
    assert result.score == Decimal("3")
    assert result.derivation[-1] == "Sum 4.5, capped at 3."


def test_intermediate_and_junior_members_give_1_5(rubric):
    app = application(
        leader(),
        member("李娜", title_level="intermediate"),
        member("王强", title_level="junior"),
    )
    result = computed_score(rubric, rubric.row("3.2②"), app)
    assert result.score == Decimal("1.5")
    assert any(line.startswith("李娜:") for line in result.derivation)
    assert any(line.startswith("王强:") for line in result.derivation)


def test_a_member_with_an_irrelevant_title_adds_nothing(rubric):
    app = application(
        leader(),
        member("李娜", title_level="intermediate"),
        member("王强", title_level="senior", title_field="财务"),
    )
    result = computed_score(rubric, rubric.row("3.2②"), app)
    assert result.score == Decimal("1")
    assert "王强: Senior (正高级) (财务) — not a relevant field → 0" in result.derivation


def test_three_masters_are_capped_at_2(rubric):
    app = application(leader(), *(member(n, degree="master") for n in ("李娜", "王强", "赵敏")))
    result = computed_score(rubric, rubric.row("3.2③"), app)
    assert result.score == Decimal("2")
    assert result.derivation[-1] == "Sum 3, capped at 2."


def test_a_bachelor_member_gives_half_a_point(rubric):
    app = application(leader(), member("李娜", degree="bachelor"), member("王强", degree="other"))
    assert score(rubric, "3.2③", app) == Decimal("0.5")


def test_no_team_member_scores_0_and_says_so(rubric):
    result = computed_score(rubric, rubric.row("3.2③"), application(leader(degree="doctor")))
    assert result.score == Decimal("0")
    assert result.derivation == ("No such person in the application.",)


# --- 3.3① past projects of the last two years before the call closed ------------------------


def project(name: str, completed_on: datetime.date) -> PastProject:
    return PastProject(name=name, completed_on=completed_on)


def test_seven_recent_projects_are_capped_at_5(rubric):
    projects = [project(f"项目{i}", datetime.date(2026, i, 15)) for i in range(1, 8)]
    result = computed_score(rubric, rubric.row("3.3①"), application(leader(), projects=projects))
    assert result.score == Decimal("5")
    assert result.derivation[-1] == "7 projects, capped at 5."


def test_a_project_older_than_two_years_before_closing_is_not_counted(rubric):
    projects = [
        project("2024年底培训项目", datetime.date(2024, 12, 31)),  # the first day counted
        project("2024年中宣传项目", datetime.date(2024, 12, 30)),
    ]
    result = computed_score(rubric, rubric.row("3.3①"), application(leader(), projects=projects))
    assert result.score == Decimal("1")
    assert result.derivation == (
        "2024年底培训项目 (2024-12-31) → 1",
        "2024年中宣传项目 (2024-12-30) — before 2024-12-31, not counted",
    )


def test_no_past_project_scores_0_and_says_so(rubric):
    result = computed_score(rubric, rubric.row("3.3①"), application(leader()))
    assert result.score == Decimal("0")
    assert result.derivation == ("No past project within the period.",)


# --- the set of computed rows --------------------------------------------------------------


def test_exactly_the_counted_and_yes_no_items_are_computed(rubric):
    computed = computed_scores(rubric, application(leader()))
    assert set(computed) == {"1.2①", "1.2②", "1.2③", "3.2①", "3.2②", "3.2③", "3.3①"}


def test_a_judged_indicator_is_not_computed(rubric):
    assert computed_score(rubric, rubric.row("2.3"), application(leader())) is None
