"""A clean production install (issue 16 item 2): `migrate`, `load_reference_data`,
`create_province_admin` — reference data without any demo account, loaded idempotently, and
the first province user administrator."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from apps.accounts.models import Organisation, User
from apps.accounts.roles import OrganisationKind, Role
from apps.audit.models import AuditEntry
from apps.core.validators import make_unified_social_credit_code
from apps.jurisdictions.models import DeadlineRule, Jurisdiction, KeyIndustry
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db

PASSWORD = "Hb-Admin#2026-prov"
CREDIT_CODE = make_unified_social_credit_code(authority="1", division="130000", org_body="MA000901")


def _load() -> str:
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def _admin(monkeypatch, **options):
    monkeypatch.setenv("WIPP_ADMIN_PASSWORD", options.pop("password", PASSWORD))
    arguments = {
        "jurisdiction": "130000",
        "username": "hb_admin",
        "full_name": "省用户管理员",
        "organisation_name": "河北省工伤预防工作领导小组办公室",
        "credit_code": CREDIT_CODE,
        "no_input": True,
        **options,
    }
    out = io.StringIO()
    call_command("create_province_admin", stdout=out, **arguments)
    return out.getvalue()


def test_reference_data_loads_without_accounts_and_twice_changes_nothing():
    output = _load()
    counts = (
        Jurisdiction.objects.count(),
        KeyIndustry.objects.count(),
        DeadlineRule.objects.count(),
    )
    assert Jurisdiction.objects.filter(code="130000", parent=None).exists()
    assert Jurisdiction.objects.filter(code="440300", parent=None).exists()
    assert all(counts)
    assert "hebei-2027" in output and "hb10_requirements.json" in output
    assert User.unscoped.count() == 0
    assert Organisation.unscoped.count() == 0
    entries = AuditEntry.unscoped.count()
    assert "(0 new)" in _load()
    assert (
        Jurisdiction.objects.count(),
        KeyIndustry.objects.count(),
        DeadlineRule.objects.count(),
    ) == counts
    assert AuditEntry.unscoped.count() == entries  # nothing changed, nothing audited


def test_the_first_province_user_administrator(monkeypatch):
    _load()
    output = _admin(monkeypatch)
    user = User.unscoped.get(username="hb_admin")
    assert "hb_admin" in output
    assert user.role == Role.USER_ADMIN
    assert user.organisation.kind == OrganisationKind.GOVERNMENT_OFFICE
    assert user.organisation.jurisdiction.code == "130000"
    assert user.second_factor_required
    assert user.check_password(PASSWORD)
    assert not user.is_superuser
    assert AuditEntry.unscoped.filter(object_type="accounts.User", object_id=str(user.pk)).exists()
    with translation.override("en"), pytest.raises(CommandError, match="already has a user"):
        _admin(monkeypatch, username="hb_admin2")


def test_the_administrator_can_sign_in(client, monkeypatch):
    _load()
    _admin(monkeypatch, no_second_factor=True)
    page = client.get("/accounts/login/")
    response = form_submit(
        client, page, "form[novalidate]", data={"username": "hb_admin", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/users/").status_code == 200


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"jurisdiction": "130100"}, "is not a province"),
        ({"password": "short"}, "too short"),
        ({"organisation_name": ""}, "no leading-group office yet"),
        ({"credit_code": "123"}, "credit code"),
    ],
)
def test_refusals_name_the_problem_and_create_nothing(monkeypatch, options, message):
    _load()
    with translation.override("en"), pytest.raises(CommandError, match=message):
        _admin(monkeypatch, **options)
    assert User.unscoped.count() == 0
    assert Organisation.unscoped.count() == 0


def test_without_a_password_and_no_input_it_refuses(monkeypatch):
    _load()
    monkeypatch.delenv("WIPP_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="WIPP_ADMIN_PASSWORD"):
        call_command(
            "create_province_admin",
            jurisdiction="130000",
            username="x",
            full_name="x",
            no_input=True,
        )
