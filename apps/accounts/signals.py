"""Logins, logouts and failed logins go to the audit log (who, when, from where)."""

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
    ip = client_ip(request) if request is not None else None
    username = str(credentials.get("username", ""))[:150]
    with acting_as(actor_for_user(None, ip_address=ip)):
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            object_type="accounts.User",
            object_repr=username,
            message="wrong credentials",
        )
