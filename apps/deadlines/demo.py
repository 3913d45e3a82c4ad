"""Demo deadlines for 石家庄, relative to today so that the home page's card has something to
show: an open plan review and a missed one with its finding. Idempotent."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.accounts.roles import Role
from apps.projects.models import Project

from .models import Deadline
from .services import deadline_open, deadline_reminders_send, deadlines_mark_overdue

logger = logging.getLogger(__name__)

# (project code, days since the award): the procurement-stage project was just awarded, the
# implementing one three weeks ago without its plan review recorded.
DEMO_PLAN_REVIEWS = [("HB-SJZ-2027-002", 1), ("HB-SJZ-2027-001", 21)]


def demo_deadlines(*, office: Organisation, today: datetime.date | None = None) -> None:
    """No holiday schedule is invented: where a date falls in a year the calendar data does
    not cover and nobody has entered, that deadline is left out."""
    today = today or timezone.localdate()
    for code, days_ago in DEMO_PLAN_REVIEWS:
        project = Project.unscoped.get(code=code)
        if Deadline.unscoped.filter(project=project, rule__code="plan_review").exists():
            continue
        try:
            deadline_open(
                rule_code="plan_review",
                jurisdiction=project.jurisdiction,
                subject=project,
                starts_on=today - datetime.timedelta(days=days_ago),
                owner_role=Role.OFFICE,
                owner_organisation=office,
            )
        except ValidationError as exc:
            logger.warning("demo deadline of %s left out: %s", code, " ".join(exc.messages))
    deadlines_mark_overdue(today=today)
    deadline_reminders_send(today=today)
