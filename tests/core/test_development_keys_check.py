"""No production start on development keys (issue 12, item 4): GB/T 22239-2019 8.1.4.8
(confidentiality keys) and OWASP ASVS 5.0 13.3.1 (no secrets shipped with the code)."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from apps.core.checks import TAG, refuse_to_start_on_errors

STRONG = {
    "SECRET_KEY": "k5R0o2mVxq8pZ3bT7yW1nC4hJ6fL9sD0aE2gU5iO8rQ3tY6vB1",
    "FIELD_ENCRYPTION_KEYS": ["pBq7Xw2s9LmN4vR8tY1cZ6hK3jF0dG5aS2eW7uI4oP9"],
    "BLIND_INDEX_KEY": "Hx3Vn8Qm1Lp6Rz9Tw4Yc7Ub2Ka5Je0Gd8Fs3Oi6Nr1",
    "WIPP_AUDIT_KEYS": ["Qa8Wn3Zr6Tb1Yk4Lm7Xc0Vd5Hs2Jp9Fg3Ue6Io1Rt4"],
}


def _error_ids() -> set[str]:
    return {m.id for m in checks.run_checks() if m.level >= checks.ERROR}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    for name, value in STRONG.items():
        setattr(settings, name, value)
    return settings


def test_gbt22239_8_1_4_8_strong_keys_with_debug_off_pass(production):
    assert not {"wipp.E001", "wipp.E002", "wipp.E003", "wipp.E004", "wipp.E005"} & _error_ids()
    refuse_to_start_on_errors()


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("SECRET_KEY", "dev-only-insecure-key-change-me-in-production", "wipp.E001"),
        ("SECRET_KEY", "django-insecure-abc", "wipp.E001"),
        ("FIELD_ENCRYPTION_KEYS", ["wipp-development-field-key-not-for-production"], "wipp.E002"),
        # A development key kept as an old decryption key is refused as well.
        (
            "FIELD_ENCRYPTION_KEYS",
            [STRONG["FIELD_ENCRYPTION_KEYS"][0], "wipp-development-field-key-not-for-production"],
            "wipp.E002",
        ),
        ("FIELD_ENCRYPTION_KEYS", [], "wipp.E002"),
        ("BLIND_INDEX_KEY", "wipp-development-blind-index-key", "wipp.E003"),
        ("WIPP_AUDIT_KEYS", ["wipp-development-audit-key-not-for-production"], "wipp.E004"),
        ("WIPP_AUDIT_KEYS", [], "wipp.E004"),
        ("WIPP_AUDIT_RETENTION_DAYS", 90, "wipp.E005"),
    ],
)
def test_asvs_13_3_1_a_development_key_with_debug_off_is_an_error(
    production, setting, value, error
):
    setattr(production, setting, value)
    messages = [m for m in checks.run_checks() if m.id == error]
    assert messages and all(m.level == checks.ERROR for m in messages)
    # The same refusal at WSGI start, which runs no system checks by itself.
    with pytest.raises(ImproperlyConfigured, match=error):
        refuse_to_start_on_errors()


def test_development_keys_are_accepted_with_debug_on(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.FIELD_ENCRYPTION_KEYS = [settings.DEVELOPMENT_FIELD_KEY]
    settings.BLIND_INDEX_KEY = settings.DEVELOPMENT_BLIND_INDEX_KEY
    assert not checks.run_checks(tags=[TAG])


def test_check_deploy_includes_the_key_errors(production):
    production.SECRET_KEY = production.DEVELOPMENT_SECRET_KEY
    deploy = checks.run_checks(include_deployment_checks=True)
    assert any(m.id == "wipp.E001" and m.level == checks.ERROR for m in deploy)
