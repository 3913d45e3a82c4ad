"""Demo rectification order (issue 15 item 4, HB §20), through the services only: the
evaluation agency (正衡评估, `evaluator`) raises an order on 石家庄's training project while it is
being implemented — the sign-in sheets of the first offline session lack trainees' signatures —
to be remedied by 15 December 2026. It is open, awaiting 安培's remedy: the first item of
`implementer`'s "needs my action"; if the day passes without an answer, the daily
`rectification_sweep` escalates it to `sjz_office`.

The service's clock is fixed to the demo's day (20 November 2026), so a seed run on any day
writes the same order. Idempotent: an order with the same text on the project is left alone.
"""

import datetime
import logging
import zoneinfo
from unittest import mock

from apps.accounts.models import User
from apps.projects.models import ProjectStage
from apps.rectification import services as rectification
from apps.rectification.models import RectificationOrder
from demo.projects import demo_project

logger = logging.getLogger(__name__)

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
ISSUED_AT = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=ZONE)
DEADLINE = datetime.date(2026, 12, 15)
PROBLEM = "第1期线下培训第1课签到表缺少3名学员的本人签名，与刷脸签到记录不一致。"


def seed_demo_rectification() -> RectificationOrder | None:
    project = demo_project("sjz_training")
    if project is None or project.stage != ProjectStage.IMPLEMENTATION:
        logger.warning(
            "demo rectification left out: 石家庄's training project is not in implementation"
        )
        return None
    existing = RectificationOrder.unscoped.filter(project=project, problem=PROBLEM).first()
    if existing is not None:
        return existing
    with mock.patch.object(rectification, "clock", lambda: ISSUED_AT):
        return rectification.order_issue(
            user=User.unscoped.get(username="evaluator"),
            project=project,
            problem=PROBLEM,
            requirement="补齐签到表签名，说明缺签原因，并由工作人员确认后上传整改说明。",
            clause="服务协议第五条；HB §13",
            deadline=DEADLINE,
        )
