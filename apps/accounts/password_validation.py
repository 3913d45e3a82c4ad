"""Password rules beyond Django's (ASVS 5.0 6.2, 等保 8.1.4.1 a).

Two of them are 等保 rules that ASVS 5.0 advises against (6.2.5: no composition rules; 6.2.10:
no periodic rotation). Both are therefore settings, on by default for the government and
administrator roles that a 等保 level-3 assessment looks at, and off for the external
parties (README, configuration table).
"""

import re

from django.conf import settings
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = (str.isupper, str.islower, str.isdigit, lambda c: not c.isalnum())


def _role_listed(user, roles) -> bool:
    """`roles` from the settings: a list of role codes, or ["*"] for every account. An
    unknown user (no account yet) and superusers count as listed: the stricter rule."""
    if "*" in roles:
        return True
    if user is None or getattr(user, "is_superuser", False):
        return True
    return getattr(user, "role", "") in roles


def composition_applies(user) -> bool:
    return _role_listed(user, settings.WIPP_PASSWORD_COMPOSITION_ROLES)


def password_expired(user) -> bool:
    """等保 periodic change: the password is older than WIPP_PASSWORD_MAX_AGE_DAYS for a role
    the rule applies to (0 days: off)."""
    days = settings.WIPP_PASSWORD_MAX_AGE_DAYS
    if not days or not _role_listed(user, settings.WIPP_PASSWORD_MAX_AGE_ROLES):
        return False
    changed = getattr(user, "password_changed_at", None)
    return changed is None or timezone.now() - changed > timezone.timedelta(days=days)


class CharacterClassesValidator:
    """等保 composition: passwords mix at least three of upper case, lower case, digits and
    symbols — for the roles in WIPP_PASSWORD_COMPOSITION_ROLES."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if not composition_applies(user):
            return
        used = sum(1 for test in CLASSES if any(test(c) for c in password))
        if used < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: upper-case letters, lower-case "
                    "letters, digits and symbols."
                ),
                code="password_too_uniform",
                params={"n": self.min_classes},
            )

    def get_help_text(self):
        return _(
            "Mix at least %(n)d of: upper-case letters, lower-case letters, digits and symbols."
        ) % {"n": self.min_classes}


class ContextSimilarityValidator(UserAttributeSimilarityValidator):
    """ASVS 6.2.11: no password built from the context — the username, the person's name and
    e-mail, its organisation's name, or the site's name. Django's similarity ratio, plus a
    containment test, because "Zhangwei@2027xx" is not *similar* to "zhangwei" by ratio."""

    MIN_WORD = 4

    def __init__(self, site_words=("wipp",), max_similarity=0.7):
        super().__init__(
            user_attributes=("username", "full_name", "email"), max_similarity=max_similarity
        )
        self.site_words = tuple(site_words)

    def _context_values(self, user) -> list[tuple[str, str]]:
        values = [(word, _("the site's name")) for word in self.site_words]
        if user is None:
            return values
        for attribute, label in (
            ("username", _("your username")),
            ("full_name", _("your name")),
            ("email", _("your e-mail address")),
        ):
            value = getattr(user, attribute, "") or ""
            if value:
                values.append((value, label))
        organisation = user.organisation if getattr(user, "organisation_id", None) else None
        if organisation is not None:
            values.append((organisation.name, _("your organisation's name")))
        return values

    def validate(self, password, user=None):
        if user is not None:
            super().validate(password, user)
        lowered = password.lower()
        for value, label in self._context_values(user):
            parts = [value.lower(), *re.split(r"\W+", value.lower())]
            for part in parts:
                if len(part) >= self.MIN_WORD and part in lowered:
                    raise ValidationError(
                        _("The password must not contain %(what)s."),
                        code="password_contains_context",
                        params={"what": label},
                    )

    def get_help_text(self):
        return _(
            "Your password cannot contain or resemble your username, name, e-mail address, "
            "organisation or the site's name."
        )
