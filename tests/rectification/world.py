"""The implementation world (two cities, each with a training project being implemented by an
agency, with its evaluation agency, office, member unit and HRSS department) plus a settable
clock for the rectification services and helpers that raise and answer orders."""

import datetime

from apps.findings.services import finding_raise
from apps.rectification import services
from tests.implementation.world import build_world, pdf

UTC = datetime.UTC
D = datetime.date


class Clock:
    """The services' clock, at 10:00 in Shanghai of a settable day (November 2026)."""

    def __init__(self, monkeypatch):
        self.now = datetime.datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
        monkeypatch.setattr(services, "clock", lambda: self.now)

    def set(self, day: datetime.date):
        self.now = datetime.datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def build(monkeypatch):
    a, b = build_world()
    return a, b, Clock(monkeypatch)


DAY = D(2026, 11, 16)


def issue(w, *, by=None, deadline=DAY, document=None, finding=None):
    return services.order_issue(
        user=by or w.evaluator,
        project=w.project,
        problem="第2期培训签到表缺少学员签名",
        requirement="补齐签到记录并说明原因",
        clause="服务协议第五条",
        deadline=deadline,
        document=document,
        source_finding=finding,
    )


def answer(w, order, *, files=None):
    return services.order_answer(
        user=w.agency,
        order=order,
        response="已补齐签到记录",
        files=files if files is not None else [pdf("fix.pdf")],
    )


def finding_on(w, subject=None):
    return finding_raise(
        rule_code="rectification_test",
        citation="HB §13",
        severity="major",
        subject=subject or w.project,
        message="签到记录不全",
        owner_role="implementer",
        owner_organisation=w.agency.organisation,
    )
