from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (str.isupper, str.islower, str.isdigit, lambda c: not c.isalnum())


class CharacterClassesValidator:
    """Passwords mix at least three of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
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
