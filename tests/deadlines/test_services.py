"""The deadline engine's business rules: opening with the right due date, meeting on time and
late, missing (a finding with its citation), cancelling, reminders and holiday schedules."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from apps.accounts.roles import Role
from apps.deadlines import services
from apps.deadlines.models import Deadline, DeadlineStatus, Notification
from apps.findings.models import Finding
from apps.jurisdictions.models import DeadlineRule
from apps.jurisdictions.services import DATA_DIR
from tests.deadlines.factories import (
    FIXTURE_2027_HOLIDAYS,
    FIXTURE_2027_SOURCE,
    FIXTURE_2027_WORKING_WEEKENDS,
    region_with_rules,
)
from tests.deadlines.test_calendar import reference_add_working_days
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
RULES = json.loads((DATA_DIR / "deadline_rules.json").read_text(encoding="utf-8"))["rules"]
# An event in the middle of the 2025 National Day season, so that working-day rules cross it.
EVENT = D(2025, 9, 26)


@pytest.fixture
def region():
    return region_with_rules()


def _jurisdiction_for(rule: dict, region):
    return region.shenzhen if rule.get("only_for") else region.sjz


def _expected_due(rule: dict) -> datetime.date:
    if rule["unit"] == "working":
        return reference_add_working_days(EVENT, rule["days"])
    sign = -1 if rule.get("before_event") else 1
    due = EVENT + datetime.timedelta(days=sign * rule["days"])
    if sign > 0 and rule.get("roll_over_holidays", True):
        # A forward calendar-day period ending on a holiday or rest day ends on the next
        # working day (民法典第二百零三条); the library knows 2025.
        from apps.deadlines.calendar import WorkingCalendar

        due = WorkingCalendar().next_working_day_from(due)
    return due


def _open(rule_code, jurisdiction, *, starts_on=EVENT, project=None, **kwargs):
    project = project or ProjectFactory(jurisdiction=jurisdiction)
    kwargs.setdefault("owner_role", Role.OFFICE)
    return services.deadline_open(
        rule_code=rule_code,
        jurisdiction=jurisdiction,
        subject=project,
        starts_on=starts_on,
        **kwargs,
    )


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.parametrize("rule", RULES, ids=[r["code"] for r in RULES])
def test_each_rule_met_on_its_due_date_is_on_time(region, rule):
    deadline = _open(rule["code"], _jurisdiction_for(rule, region))
    assert deadline.due_on == _expected_due(rule)
    assert deadline.project == Deadline.unscoped.get(pk=deadline.pk).project

    services.deadline_meet(deadline=deadline, met_at=_at(deadline.due_on, 23))
    deadline.refresh_from_db()
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, False)
    assert services.deadlines_mark_overdue(today=deadline.due_on + datetime.timedelta(30)) == []


@pytest.mark.parametrize("rule", RULES, ids=[r["code"] for r in RULES])
def test_each_rule_missed_raises_one_finding_with_its_citation(region, rule):
    deadline = _open(rule["code"], _jurisdiction_for(rule, region))
    assert services.deadlines_mark_overdue(today=deadline.due_on) == []

    findings = services.deadlines_mark_overdue(today=deadline.due_on + datetime.timedelta(1))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OVERDUE
    assert [f.subject for f in findings] == [deadline]
    finding = findings[0]
    assert finding.citation == rule["source"]
    assert (finding.owner_role, finding.status) == (deadline.owner_role, "open")
    for part in (
        rule["label"],
        deadline.subject_label,
        deadline.due_on.isoformat(),
        rule["source"],
    ):
        assert part in finding.message
    # A second sweep raises nothing more.
    assert services.deadlines_mark_overdue(today=deadline.due_on + datetime.timedelta(9)) == []
    assert Finding.unscoped.filter(rule_code="deadline_missed", subject_id=deadline.pk).count() == 1

    services.deadline_meet(deadline=deadline, met_at=_at(deadline.due_on + datetime.timedelta(3)))
    deadline.refresh_from_db()
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, True)
    assert Finding.unscoped.filter(rule_code="deadline_missed", subject_id=deadline.pk).exists()


def test_plan_review_is_counted_in_working_days_across_national_day(region):
    deadline = _open("plan_review", region.sjz, starts_on=D(2025, 9, 26))
    # Sun 28 Sep (调休) 1, 29th 2, 30th 3, 1–8 Oct off, 9th 4, 10th 5.
    assert deadline.due_on == D(2025, 10, 10)


def test_pre_start_upload_is_due_seven_days_before_the_start(region):
    start = D(2025, 10, 20)
    deadline = _open("pre_start_upload", region.sjz, starts_on=start)
    assert deadline.due_on == D(2025, 10, 13)
    services.deadline_meet(deadline=deadline, met_at=_at(D(2025, 10, 13), 18))
    assert deadline.late is False

    late = _open("pre_start_upload", region.sjz, starts_on=start)
    services.deadline_meet(deadline=late, met_at=_at(D(2025, 10, 14), 9))
    assert late.late is True


def test_meeting_just_after_midnight_shanghai_time_is_the_next_day(region):
    deadline = _open("acceptance_opinion", region.sjz, starts_on=D(2025, 10, 9))
    assert deadline.due_on == D(2025, 10, 11)  # Saturday 11 October 2025 is worked (调休)
    utc_evening = datetime.datetime(2025, 10, 11, 16, 30, tzinfo=datetime.UTC)  # 00:30 on 12th
    services.deadline_meet(deadline=deadline, met_at=utc_evening)
    assert deadline.late is True


def test_a_city_without_the_rule_uses_its_provinces(region):
    DeadlineRule.objects.filter(jurisdiction=region.sjz, code="plan_review").delete()
    deadline = _open("plan_review", region.sjz)
    assert deadline.rule.jurisdiction == region.province
    assert deadline.jurisdiction == region.sjz


def test_a_rule_no_ancestor_has_is_refused(region):
    with pytest.raises(ValidationError) as exc:
        _open("implementation_report", region.sjz)
    assert "implementation_report" in exc.value.messages[0]


def test_an_uncovered_year_is_a_validation_error_not_a_guess(region):
    with pytest.raises(ValidationError) as exc:
        _open("plan_review", region.sjz, starts_on=D(2026, 12, 28))
    assert exc.value.code == "calendar_not_covered"
    assert "2027" in exc.value.messages[0]
    assert not Deadline.unscoped.exists()


def test_the_same_date_is_computed_once_an_administrator_enters_2027(region):
    admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=region.province)
    with pytest.raises(ValidationError):
        _open("plan_review", region.sjz, starts_on=D(2026, 12, 28))

    services.holiday_schedule_save(
        user=admin,
        year=2027,
        holidays=FIXTURE_2027_HOLIDAYS,
        working_weekends=FIXTURE_2027_WORKING_WEEKENDS,
        source=FIXTURE_2027_SOURCE,
    )
    deadline = _open("plan_review", region.sjz, starts_on=D(2026, 12, 28))
    # 29th–31st December 2026, 1st–3rd January 2027 off, Monday 4th, Tuesday 5th.
    assert deadline.due_on == D(2027, 1, 5)


def test_one_open_deadline_per_rule_and_subject(region):
    project = ProjectFactory(jurisdiction=region.sjz)
    first = _open("plan_review", region.sjz, project=project)
    with pytest.raises(ValidationError):
        _open("plan_review", region.sjz, project=project)
    services.deadline_meet(deadline=first, met_at=_at(first.due_on))
    assert _open("plan_review", region.sjz, project=project).status == DeadlineStatus.OPEN


def test_cancelling_needs_a_reason_and_closes_the_deadline(region):
    deadline = _open("balance_payment", region.sjz)
    with pytest.raises(ValidationError):
        services.deadline_cancel(deadline=deadline, reason="  ")
    services.deadline_cancel(deadline=deadline, reason="项目撤销")
    deadline.refresh_from_db()
    assert (deadline.status, deadline.cancelled_reason) == (DeadlineStatus.CANCELLED, "项目撤销")
    assert services.deadlines_mark_overdue(today=D(2026, 1, 1)) == []
    with pytest.raises(ValidationError):
        services.deadline_meet(deadline=deadline)


def test_a_met_deadline_cannot_be_met_again(region):
    deadline = _open("plan_review", region.sjz)
    services.deadline_meet(deadline=deadline, met_at=_at(deadline.due_on))
    with pytest.raises(ValidationError):
        services.deadline_meet(deadline=deadline)


def test_writes_are_in_the_audit_log(region):
    from apps.audit.models import AuditEntry

    deadline = _open("plan_review", region.sjz)
    services.deadlines_mark_overdue(today=deadline.due_on + datetime.timedelta(1))
    entries = AuditEntry.objects.for_user(
        UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    )
    logged = set(entries.values_list("object_type", "action"))
    assert {("deadlines.Deadline", "create"), ("deadlines.Deadline", "update")} <= logged
    assert ("findings.Finding", "create") in logged


# --- reminders ---------------------------------------------------------------------------


@pytest.fixture
def owned(region):
    """A plan review of 石家庄 owned by its office, with the people around it."""
    office_org = OrganisationFactory(kind="government_office", jurisdiction=region.sjz)
    people = {
        "office": UserFactory(role=Role.OFFICE, organisation=office_org, email="wang@sjz.example"),
        "office_no_mail": UserFactory(role=Role.OFFICE, organisation=office_org, email=""),
        "inactive": UserFactory(role=Role.OFFICE, organisation=office_org, is_active=False),
        "admin": UserFactory(role=Role.USER_ADMIN, organisation=office_org),
        "other_city": UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.ts),
        "province": UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province),
    }
    deadline = _open(
        "plan_review", region.sjz, starts_on=D(2025, 9, 26), owner_organisation=office_org
    )
    return deadline, people


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_reminders_before_due_and_overdue_go_once_to_the_owners(
    owned, settings, django_capture_on_commit_callbacks
):
    deadline, people = owned
    settings.WIPP_DEADLINE_REMIND_DAYS = 2
    due = deadline.due_on  # 2025-10-10
    # E-mail goes once the reminder's chunk has committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadline_reminders_send(today=due - datetime.timedelta(3)) == []
        sent = services.deadline_reminders_send(today=due - datetime.timedelta(2))
        assert {n.recipient for n in sent} == {people["office"], people["office_no_mail"]}
        assert services.deadline_reminders_send(today=due - datetime.timedelta(2)) == []
        assert services.deadline_reminders_send(today=due - datetime.timedelta(1)) == []
        assert len(services.deadline_reminders_send(today=due)) == 2
        services.deadlines_mark_overdue(today=due + datetime.timedelta(1))
        assert len(services.deadline_reminders_send(today=due + datetime.timedelta(1))) == 2
        assert services.deadline_reminders_send(today=due + datetime.timedelta(2)) == []

    assert _kinds(people["office"]) == ["before", "due", "overdue"]
    for bystander in ("inactive", "admin", "other_city", "province"):
        assert _kinds(people[bystander]) == []
    before = Notification.objects.get(recipient=people["office"], kind="before")
    assert deadline.rule.source in before.message and deadline.subject_label in before.message
    # E-mail (locmem in tests) only to the user with an address, once per reminder.
    assert [m.to for m in mail.outbox] == [["wang@sjz.example"]] * 3
    assert before.emailed_at is not None


def test_no_email_when_email_is_not_configured(owned, settings):
    deadline, people = owned
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "localhost"
    services.deadline_reminders_send(today=deadline.due_on)
    assert _kinds(people["office"]) == ["due"]
    assert mail.outbox == []


def test_a_government_duty_without_organisation_goes_to_that_roles_users_of_the_city(region):
    si = UserFactory(role=Role.SI_AGENCY, organisation__jurisdiction=region.sjz)
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    other_si = UserFactory(role=Role.SI_AGENCY, organisation__jurisdiction=region.ts)
    deadline = _open("agreement_and_advance", region.sjz, owner_role=Role.SI_AGENCY)
    sent = services.deadline_reminders_send(today=deadline.due_on)
    assert [n.recipient for n in sent] == [si]
    assert _kinds(office) == _kinds(other_si) == []


def test_an_organisations_duty_goes_to_its_users_with_the_role(region):
    agency = OrganisationFactory(kind="implementing_agency", jurisdiction=region.sjz)
    implementer = UserFactory(role=Role.IMPLEMENTER, organisation=agency)
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    deadline = _open(
        "pre_start_upload",
        region.sjz,
        starts_on=D(2025, 10, 20),
        owner_role=Role.IMPLEMENTER,
        owner_organisation=agency,
    )
    sent = services.deadline_reminders_send(today=deadline.due_on)
    assert [n.recipient for n in sent] == [implementer]
    assert _kinds(office) == []


def test_the_sweep_command_marks_overdue_and_reminds(owned, capsys):
    deadline, people = owned
    call_command("deadline_sweep", "--date", (deadline.due_on + datetime.timedelta(1)).isoformat())
    assert "1 deadline(s) newly overdue, 2 notification(s) sent." in capsys.readouterr().out
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OVERDUE
    call_command("deadline_sweep", "--enqueue", "--date", deadline.due_on.isoformat())
    assert "0 deadline(s) newly overdue, 0 notification(s) sent." in capsys.readouterr().out
    assert _kinds(people["office"]) == ["overdue"]


def test_notifications_are_marked_read_by_their_recipient_only(owned):
    deadline, people = owned
    notification = services.deadline_reminders_send(today=deadline.due_on)[0]
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(user=people["admin"], notification=notification)
    services.notification_mark_read(user=notification.recipient, notification=notification)
    assert notification.read_at is not None
    assert services.notifications_mark_all_read(user=notification.recipient) == 0


# --- holiday schedules --------------------------------------------------------------------


def _save(user, **overrides):
    values = {
        "year": 2027,
        "holidays": FIXTURE_2027_HOLIDAYS,
        "working_weekends": FIXTURE_2027_WORKING_WEEKENDS,
        "source": FIXTURE_2027_SOURCE,
        **overrides,
    }
    return services.holiday_schedule_save(user=user, **values)


@pytest.mark.parametrize(
    ("role", "level"),
    [(Role.USER_ADMIN, "city"), (Role.OFFICE, "province"), (Role.HRSS, "province")],
)
def test_only_a_province_user_administrator_enters_holiday_schedules(region, role, level):
    jurisdiction = region.province if level == "province" else region.sjz
    with pytest.raises(PermissionDenied):
        _save(UserFactory(role=role, organisation__jurisdiction=jurisdiction))


def test_a_superuser_may_enter_holiday_schedules(region):
    schedule = _save(UserFactory(role="", organisation=None, is_superuser=True))
    assert schedule.year == 2027


def test_a_saved_schedule_is_normalised_and_can_be_corrected(region):
    admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=region.province)
    schedule = _save(admin, holidays=["2027-01-02", " 2027-01-01", "2027-01-01"])
    assert schedule.holidays == ["2027-01-01", "2027-01-02"]
    assert schedule.entered_by == admin
    corrected = _save(admin, source="国办发明电〔2026〕X号")
    assert corrected.pk == schedule.pk and corrected.source == "国办发明电〔2026〕X号"


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("holidays", ["2026-10-01"], "is not in 2027"),
        ("holidays", ["2027-02-30"], "is not a date"),
        ("holidays", [], "Enter the holidays"),
        ("working_weekends", ["2027-02-22"], "only a Saturday or Sunday"),
        ("working_weekends", ["2027-02-06"], "cannot be both"),
    ],
)
def test_bad_schedules_are_refused_by_field(region, field, values, message):
    admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=region.province)
    with pytest.raises(ValidationError) as exc:
        _save(admin, **{field: values})
    assert message in " ".join(exc.value.message_dict[field])


def test_cancelling_an_overdue_deadline_resolves_its_finding_with_the_reason(region):
    deadline = _open("plan_review", region.sjz)
    (finding,) = services.deadlines_mark_overdue(today=deadline.due_on + datetime.timedelta(1))
    deadline.refresh_from_db()
    services.deadline_cancel(deadline=deadline, reason="项目已撤销")
    finding.refresh_from_db()
    assert (finding.status, finding.status_note) == ("resolved", "项目已撤销")
