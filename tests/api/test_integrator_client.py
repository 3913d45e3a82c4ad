"""The reference client (scripts/integrator_client.py) end to end against a running server
(pytest-django's live server, real HTTP): every step, then a second run that replays the
batch, then a refused batch reported from its problem details."""

import importlib.util
import json
from pathlib import Path

import pytest

from apps.accounts.services import api_client_create
from apps.applications.models import ApplicationAttachment
from apps.procurement.models import RequirementItem
from tests.applications.builders import draft_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.procurement import world as pw

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "integrator_client.py"


def _client_module():
    spec = importlib.util.spec_from_file_location("integrator_client", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _key(user):
    admin = UserFactory(
        role="user_admin", organisation__jurisdiction=user.organisation.jurisdiction
    )
    return api_client_create(admin=admin, name="integrator", service_user=user)[1]


def test_the_reference_client_runs_every_step_against_a_live_server(live_server, tmp_path):
    client = _client_module()
    a, _b = pw.build_world()
    procurement = pw.draft(a, requirements=0)
    rows = [
        {
            "name": f"一线作业人员培训 {n}",
            "quantity": "1000",
            "unit": "人次",
            "acceptance_criterion": "签到签退记录覆盖 ≥ 95% 学员",
        }
        for n in (1, 2)
    ]
    requirements = tmp_path / "requirements.json"
    requirements.write_text(json.dumps(rows, ensure_ascii=False))
    document = tmp_path / "tender.pdf"
    document.write_bytes(pw.pdf("client-tender.pdf").read())
    lines = []
    argv = [
        "--url",
        live_server.url,
        "--key",
        _key(a.hrss),
        "--credit-code",
        a.trainer.credit_code,
        "--procurement",
        str(procurement.pk),
        "--requirements",
        str(requirements),
        "--document",
        str(document),
        "--since",
        "2020-01-01",
    ]
    assert client.main(argv, out=lines.append) == 0, lines
    assert any("requirements: 2 added" in line for line in lines), lines
    assert any(a.trainer.name in line for line in lines), lines
    assert any(procurement.reference in line for line in lines), lines
    again = []
    assert client.main(argv, out=again.append) == 0, again
    assert any("already received (replayed)" in line for line in again), again
    assert RequirementItem.objects.filter(procurement=procurement).count() == 2

    requirements.write_text(json.dumps([{**rows[0], "acceptance_criterion": ""}]))
    refused = []
    assert client.main(argv[:10], out=refused.append) == 1
    assert any("batch_rejected" in line for line in refused), refused
    assert any('"row": 0' in line for line in refused), refused

    application, applicant = draft_application(CallFactory(jurisdiction=a.city), sealed_scan=False)
    attached = []
    attachment_argv = [
        "--url",
        live_server.url,
        "--key",
        _key(applicant),
        "--application",
        str(application.pk),
        "--attachment",
        f"business_licence:{document}",
    ]
    assert client.main(attachment_argv, out=attached.append) == 0, attached
    assert ApplicationAttachment.objects.filter(application=application).count() == 1


def test_the_reference_client_enrols_trainees_and_replays(live_server, tmp_path):
    """Step 7: the implementing agency's trainees, one batch keyed by the file's digest; run
    again it is replayed; a bad row is reported by its index and nothing is added."""
    import datetime

    from apps.core.validators import make_resident_id
    from apps.training.models import Trainee
    from tests.factories import unique_credit_code
    from tests.training import world as tw

    client = _client_module()
    a, _b = tw.build_world()
    rows = [
        {
            "name": name,
            "resident_id": make_resident_id("130102", datetime.date(1992, 3, n), 31 + 2 * n),
            "employer_name": "石家庄城建集团",
            "employer_credit_code": unique_credit_code(),
        }
        for n, name in ((1, "赵一"), (2, "钱二"))
    ]
    trainees = tmp_path / "trainees.json"
    trainees.write_text(json.dumps(rows, ensure_ascii=False))
    argv = ["--url", live_server.url, "--key", _key(a.agency)]
    argv += ["--training-class", str(a.training_class.pk), "--trainees", str(trainees)]
    lines = []
    assert client.main(argv, out=lines.append) == 0, lines
    assert any("trainees: 2 enrolled" in line for line in lines), lines
    again = []
    assert client.main(argv, out=again.append) == 0, again
    assert any("trainees: 2 already received (replayed)" in line for line in again), again
    assert Trainee.unscoped.filter(training_class=a.training_class).count() == 2

    trainees.write_text(json.dumps([{**rows[0], "employer_credit_code": "bad"}]))
    refused = []
    assert client.main(argv, out=refused.append) == 1
    assert any("batch_rejected" in line for line in refused), refused
    assert any('"row": 0' in line and "employer_credit_code" in line for line in refused)
    assert Trainee.unscoped.filter(training_class=a.training_class).count() == 2
