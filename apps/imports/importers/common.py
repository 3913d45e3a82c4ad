"""What the importers share: who is a user administrator of which level."""

from apps.accounts.roles import Role
from apps.jurisdictions.models import JurisdictionLevel


def is_user_admin(user) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.USER_ADMIN
        and user.organisation_id is not None
        and user.is_active
    )


def is_province_user_admin(user) -> bool:
    return is_user_admin(user) and user.organisation.jurisdiction.level == (
        JurisdictionLevel.PROVINCE
    )


def choice_by_label(choices, text: str):
    """The value of a choice named by its label (as the template shows it) or by its value."""
    for value, label in choices:
        if text in (str(label), value):
            return value
    return None
