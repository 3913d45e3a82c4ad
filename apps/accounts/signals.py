"""Logins, logouts, failed logins and lockouts go to the audit log (who, when, from where)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.context import acting_as, actor_for_user
from apps.core.middleware import client_ip


def _record_session_event(*, user, request, action, message=""):
    ip = client_ip(request) if request is not None else None
    with acting_as(actor_for_user(user, ip_address=ip)):
        audit_record(
            action=action,
            object_type="accounts.User",
            object_id=user.pk if user else "",
            object_repr=str(user) if user else "",
            jurisdiction_path=user.audit_jurisdiction_path() if user else "",
            message=message,
        )


@receiver(user_logged_in, dispatch_uid="wipp-audit-login")
def audit_login(sender, request, user, **kwargs):
    _record_session_event(user=user, request=request, action=AuditAction.LOGIN)


@receiver(user_logged_out, dispatch_uid="wipp-audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        _record_session_event(user=user, request=request, action=AuditAction.LOGOUT)


@receiver(user_login_failed, dispatch_uid="wipp-audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    """Aggregated per name, address and window: a sprayer's thousands of tries (which go on
    arriving during a lockout) are one entry and a count, not a flood (等保 8.1.4.3)."""
    from .services import security_event_record

    ip = client_ip(request) if request is not None else None
    username = str(credentials.get("username", ""))[:150]
    with acting_as(actor_for_user(None, ip_address=ip)):
        security_event_record(
            kind=AuditAction.LOGIN_FAILED,
            username=username,
            ip_address=ip or "",
            jurisdiction_path=_path_of(username),
            detail="wrong credentials",
        )


@receiver(user_locked_out, dispatch_uid="wipp-audit-locked-out")
def audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    from .services import security_event_record

    with acting_as(actor_for_user(None, ip_address=ip_address)):
        security_event_record(
            kind=AuditAction.LOCKED_OUT,
            username=str(username or "")[:150],
            ip_address=ip_address or "",
            jurisdiction_path=_path_of(username),
            detail="login failure limit reached",
        )


def _path_of(username) -> str:
    """The region of the account a name belongs to, so that its level's security
    administrator sees the event; unknown names stay with the top level."""
    from .models import User

    user = (
        User.unscoped.filter(username=username).select_related("organisation__jurisdiction").first()
        if username
        else None
    )
    return user.audit_jurisdiction_path() if user is not None else ""
