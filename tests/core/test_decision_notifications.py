"""Decisions about an organisation's own object notify that organisation's users (issue 17
item 1): the hook in `transition_apply` writes the notification once the transaction commits,
for the owning organisation's users only — not the decider, not another organisation, not
another city — and sends it by e-mail where the user has an address and e-mail is set up."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from apps.accounts.roles import Role
from apps.deadlines.models import Notification, NotificationKind
from apps.procurement import services
from tests.factories import UserFactory
from tests.procurement.world import SUBMITTED, awarded, build_world, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.LANGUAGE_CODE = "en"  # stored messages are in the platform's language
    return build_world()


def _submitted_plan(w, capture):
    with capture(execute=True):
        _procurement, award = awarded(w)
    with capture(execute=True):
        plan = services.plan_submit(
            user=w.implementer, award=award, uploaded_file=pdf("plan.pdf"), submitted_on=SUBMITTED
        )
    return plan


def _decisions(user):
    return list(Notification.objects.filter(recipient=user, kind=NotificationKind.DECISION))


def test_approving_the_plan_tells_the_winner_and_nobody_else(
    world, django_capture_on_commit_callbacks
):
    a, b = world
    colleague = UserFactory(role=Role.IMPLEMENTER, organisation=a.trainer)
    plan = _submitted_plan(a, django_capture_on_commit_callbacks)
    before = Notification.objects.filter(kind=NotificationKind.DECISION).count()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(user=a.office, plan=plan, approve=True, reviewed_on=SUBMITTED)
    told = Notification.objects.filter(kind=NotificationKind.DECISION).order_by("pk")[before:]
    assert {n.recipient for n in told} == {a.implementer, colleague}
    (message,) = {n.message for n in told}
    assert "Approve" in message and "now “Approved”" in message
    for other in (a.office, a.hrss, a.users[Role.APPLICANT], b.implementer, b.office):
        assert all("plan" not in n.message for n in _decisions(other))


def test_a_return_carries_its_reason_to_the_winner_only(world, django_capture_on_commit_callbacks):
    a, b = world
    plan = _submitted_plan(a, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(
            user=a.office,
            plan=plan,
            approve=False,
            note="培训场地未落实",
            reviewed_on=SUBMITTED,
        )
    (notice,) = [n for n in _decisions(a.implementer) if "Returned" in n.message]
    assert "Reason: 培训场地未落实" in notice.message
    assert not Notification.objects.filter(recipient=a.office, kind=NotificationKind.DECISION)
    assert not _decisions(b.implementer)


def test_the_award_tells_the_applicant_and_the_winner_not_the_other_city(
    world, django_capture_on_commit_callbacks
):
    a, b = world
    with django_capture_on_commit_callbacks(execute=True):
        awarded(a)
    (notice,) = _decisions(a.users[Role.APPLICANT])
    assert a.project.name in notice.message
    assert notice.link == reverse("projects:detail", args=[a.project.pk])
    assert not _decisions(b.users[Role.APPLICANT])
    assert not _decisions(a.hrss)
    # The winner hears of its award, named by the procurement.
    (award,) = _decisions(a.implementer)
    assert "award" in award.message and f"{a.project.name} 采购" in award.message
    assert not _decisions(b.implementer)


def test_a_rolled_back_decision_tells_nobody(world, django_capture_on_commit_callbacks):
    a, _ = world
    plan = _submitted_plan(a, django_capture_on_commit_callbacks)
    before = _decisions(a.implementer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.plan_review(user=a.office, plan=plan, approve=True, reviewed_on=SUBMITTED)
                raise RuntimeError("then the request fails")
        except RuntimeError:
            pass
    assert callbacks == []
    assert _decisions(a.implementer) == before


def test_the_decision_goes_by_e_mail_where_the_user_has_an_address(
    world, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a, _ = world
    a.implementer.email = "plan@example.cn"
    a.implementer.save()
    plan = _submitted_plan(a, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(user=a.office, plan=plan, approve=True, reviewed_on=SUBMITTED)
    assert [m.to for m in mail.outbox] == [["plan@example.cn"]]
    (notice,) = [n for n in _decisions(a.implementer) if "Approved" in n.message]
    assert notice.emailed_at is not None
