"""The implementation world (two cities, each with a training and a promotion project being
implemented) plus what acceptance needs: the auditor and an expert named in person, the
social-insurance agency, a service agreement with its advance paid, and a settable clock."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from apps.acceptance import services
from apps.accounts.roles import Role
from apps.contracts.models import Payment, PaymentKind, ServiceAgreement
from apps.projects.models import ParticipantRole
from tests.factories import ParticipantFactory, UserFactory
from tests.implementation.world import agreement_for, build_world, pdf
from tests.scoping_world import clear_documents

UTC = datetime.UTC


@dataclass
class Acc:
    city: object  # tests.implementation.world.City
    auditor: object
    expert: object
    si: object
    agreement: object

    def __getattr__(self, name):
        return getattr(self.city, name)


def _person(role, city):
    user = UserFactory(role=role, organisation__jurisdiction=city)
    clear_documents(user)
    return user


def build_acc(c) -> Acc:
    auditor = _person(Role.AUDITOR, c.city)
    expert = _person(Role.EXPERT, c.city)
    si = UserFactory(role=Role.SI_AGENCY, organisation__jurisdiction=c.city)
    for project in (c.project, c.promo):
        ParticipantFactory(project=project, role=ParticipantRole.AUDITOR, person=auditor)
        ParticipantFactory(project=project, role=ParticipantRole.EXPERT, person=expert)
    agreement = agreement_for(
        c,
        c.project,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 11, 15),
        amount=Decimal("300000.00"),
    )
    Payment.unscoped.create(
        agreement=agreement,
        jurisdiction=agreement.jurisdiction,
        project=c.project,
        kind=PaymentKind.ADVANCE,
        amount=Decimal("150000.00"),
        paid_on=datetime.date(2026, 3, 5),
        document=agreement.document,
        recorded_by=si,
    )
    ServiceAgreement.unscoped.filter(pk=agreement.pk).update(paid_total=Decimal("150000.00"))
    agreement.refresh_from_db()
    return Acc(c, auditor, expert, si, agreement)


class Clock:
    def __init__(self, monkeypatch):
        self.now = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
        monkeypatch.setattr(services, "clock", lambda: self.now)

    def set(self, y, m, d, hour=2):
        self.now = datetime.datetime(y, m, d, hour, 0, tzinfo=UTC)


def build(monkeypatch):
    a, b = build_world()
    return build_acc(a), build_acc(b), Clock(monkeypatch)


def apply(w, project=None, *, commits_report=False, finished_on=datetime.date(2026, 11, 18)):
    return services.acceptance_apply(
        user=w.agency,
        project=project or w.project,
        finished_on=finished_on,
        summary="培训完成，考核合格率95%",
        form_file=pdf("apply.pdf"),
        commits_report=commits_report,
    )


def evaluate(w, application, verdict="pass"):
    services.evaluation_report_record(
        user=w.evaluator,
        application=application,
        verdict=verdict,
        summary="综合评估",
        uploaded_file=pdf("report.pdf"),
    )
    services.audit_opinion_record(
        user=w.auditor,
        application=application,
        compliant=True,
        opinion="费用支出合规",
        uploaded_file=pdf("audit.pdf"),
    )
    application.refresh_from_db()
    return application
