"""Two people press the same button at the same moment (issue: lifecycle spine; 等保 8.1.4.x
data integrity): the workflow executor locks the row and re-reads its state, so one request
changes it and the other is refused with a clear message — never two changes, never two audit
entries. Real concurrency needs PostgreSQL's row locks (SQLite runs one writer at a time)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apps.applications.services import application_submit
from apps.audit.models import AuditEntry
from apps.calls.services import call_close
from apps.determination import services as determination_services
from apps.determination.models import ApprovalDecision
from tests.applications.builders import draft_application
from tests.calls.factories import CallFactory
from tests.determination.builders import reviewed_city, run_to
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def _race(action, times=2):
    """Runs `action` in `times` threads released together; returns (successes, refusals)."""
    barrier = threading.Barrier(times)
    outcomes = []

    def run():
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = [o for o in outcomes if o == "done"]
    return done, [o for o in outcomes if o != "done"]


def _transitions(instance, step: str) -> int:
    return AuditEntry.unscoped.filter(
        action="transition",
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        message__startswith=step,
    ).count()


def test_two_submits_of_one_application_give_one_submission():
    call = CallFactory()
    application, user = draft_application(call)
    done, refused = _race(lambda: application_submit(user=user, application=application))
    assert (len(done), len(refused)) == (1, 1)
    assert _transitions(application, "submit") == 1


def test_two_approvals_of_one_determination_give_one_decision():
    city = reviewed_city()
    determination = run_to(city, "submitted")
    done, refused = _race(
        lambda: determination_services.determination_decide(
            user=city.hrss, determination=determination, approve=True, opinion="同意"
        )
    )
    assert (len(done), len(refused)) == (1, 1)
    assert _transitions(determination, "approve") == 1
    assert ApprovalDecision.objects.filter(determination=determination).count() == 1


def test_two_closings_of_one_call_give_one_close():
    call = CallFactory()
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    done, refused = _race(lambda: call_close(user=office, call=call))
    assert (len(done), len(refused)) == (1, 1)
    assert _transitions(call, "close") == 1
