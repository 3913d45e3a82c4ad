"""Start-up checks: no production start on development keys (issue 12, item 4).

GB/T 22239-2019 8.1.4.8 / 8.1.4.9 and OWASP ASVS 5.0 13.3.1 (secrets are not the ones shipped
with the code). The development defaults of `wipp/settings.py` let a laptop run the demo
without configuration; with `DEBUG` off the same keys would sign sessions and encrypt personal
data with values anyone can read in the repository. So with `DEBUG` off each of them is an
*Error*: `runserver`, `migrate`, `check` and `check --deploy` stop, and the WSGI application
refuses to load (`refuse_to_start_on_errors`, called by `wipp/wsgi.py`).
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "wipp_keys"
HINT = (
    "Set WIPP_SECRET_KEY, WIPP_FIELD_KEYS, WIPP_BLIND_INDEX_KEY and WIPP_AUDIT_KEYS to long "
    "random values "
    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'); for development "
    "only, set WIPP_DEBUG=1."
)


def _is_development(value: str, default: str) -> bool:
    return not value or value == default or value.startswith("django-insecure-")


@checks.register(TAG, checks.Tags.security)
def development_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    errors = []
    if _is_development(settings.SECRET_KEY, settings.DEVELOPMENT_SECRET_KEY):
        errors.append(
            checks.Error(
                "WIPP_SECRET_KEY is unset or the development key, and DEBUG is off.",
                hint=HINT,
                id="wipp.E001",
            )
        )
    field_keys = list(settings.FIELD_ENCRYPTION_KEYS or [])
    if not field_keys or any(
        _is_development(key, settings.DEVELOPMENT_FIELD_KEY) for key in field_keys
    ):
        errors.append(
            checks.Error(
                "WIPP_FIELD_KEYS is unset or holds the development key, and DEBUG is off: "
                "personal data would be encrypted with a published key.",
                hint=HINT,
                id="wipp.E002",
            )
        )
    if _is_development(settings.BLIND_INDEX_KEY, settings.DEVELOPMENT_BLIND_INDEX_KEY):
        errors.append(
            checks.Error(
                "WIPP_BLIND_INDEX_KEY is unset or the development key, and DEBUG is off.",
                hint=HINT,
                id="wipp.E003",
            )
        )
    audit_keys = list(getattr(settings, "WIPP_AUDIT_KEYS", None) or [])
    if not audit_keys or any(
        _is_development(key, settings.DEVELOPMENT_AUDIT_KEY) for key in audit_keys
    ):
        errors.append(
            checks.Error(
                "WIPP_AUDIT_KEYS is unset or holds the development key, and DEBUG is off: "
                "anyone could recompute the audit chain and its checkpoints.",
                hint=HINT,
                id="wipp.E004",
            )
        )
    return errors


@checks.register(TAG)
def audit_retention_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Audit entries are kept at least six months (Cybersecurity Law art. 21), debug or not."""
    days = getattr(settings, "WIPP_AUDIT_RETENTION_DAYS", 183)
    if days < 183:
        return [
            checks.Error(
                f"WIPP_AUDIT_RETENTION_DAYS is {days}: audit entries must be kept at least "
                "183 days (six months).",
                id="wipp.E005",
            )
        ]
    return []


def refuse_to_start_on_errors() -> None:
    """Raises ImproperlyConfigured if the key checks fail: a WSGI server runs no system
    checks of its own, so the application refuses to load instead."""
    errors = [
        message
        for message in checks.run_checks(tags=[TAG])
        if message.level >= checks.ERROR and not message.is_silenced()
    ]
    if errors:
        raise ImproperlyConfigured(
            "WIPP refuses to start: " + " ".join(f"{e.id}: {e.msg}" for e in errors) + " " + HINT
        )
