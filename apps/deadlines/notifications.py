"""站内通知 of decisions: when someone outside an organisation decides about that
organisation's own object (a screening result with its reason, an approval, a return, an
award), the organisation's users are told — in the app, and by e-mail where they have an
address and e-mail is configured.

`transition_apply` (apps.core.workflow) calls `decision_notify_on_commit` for every step it
writes; the message is sent once the transaction commits, so a step that is rolled back tells
nobody. Who is told comes from the row's ownership (`organisation_lookup`, apps.core.ownership):
the active users of the owning organisation, never the actor, and nobody when the actor belongs
to that organisation (its own steps — a submission, a withdrawal — are not decisions about it).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext

from .models import Notification, NotificationKind

logger = logging.getLogger(__name__)


def decision_recipients(*, instance, actor):
    """Active users of the organisation that owns `instance`, except the actor; none when the
    row names no owning organisation or the actor is one of its users."""
    from apps.accounts.models import User

    lookup = getattr(instance, "organisation_lookup", "")
    organisation_id = instance.owning_organisation_id() if lookup else None
    if organisation_id is None:
        return User.unscoped.none()
    if actor is not None and getattr(actor, "organisation_id", None) == organisation_id:
        return User.unscoped.none()
    users = User.unscoped.filter(
        organisation_id=organisation_id, is_active=True, organisation__is_active=True
    )
    if actor is not None and actor.pk:
        users = users.exclude(pk=actor.pk)
    return users


def _link(instance) -> str:
    """The object's own page, else its project's page, else none."""
    try:
        get_url = getattr(instance, "get_absolute_url", None)
        if get_url is not None:
            return str(get_url())[:300]
        project_id = instance.owning_project_id() if instance.project_lookup else None
        if project_id is None and instance._meta.label == "projects.Project":
            project_id = instance.pk
        return reverse("projects:detail", args=[project_id]) if project_id else ""
    except (NoReverseMatch, AttributeError, ValueError):
        return ""


def decision_message(*, instance, transition, status_label: str, note: str, label: str = "") -> str:
    """One sentence in the platform's language: what, which step, the new status, the reason."""
    values = {
        "what": instance._meta.verbose_name,
        "object": label or str(instance),
        "step": transition.label or transition.action.replace("_", " ").capitalize(),
        "status": status_label,
        "note": note.strip(),
    }
    if values["note"]:
        text = gettext(
            "Decision on the %(what)s “%(object)s”: %(step)s — now “%(status)s”. Reason: %(note)s"
        )
    else:
        text = gettext("Decision on the %(what)s “%(object)s”: %(step)s — now “%(status)s”.")
    return (text % values)[:500]


def decision_notify(
    *, instance, transition, actor, status_label: str, note: str = "", label: str = ""
) -> list:
    """Writes the notifications of one decision (and sends the e-mails). Returns them."""
    from .services import _email, email_configured

    recipients = list(decision_recipients(instance=instance, actor=actor))
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        message = decision_message(
            instance=instance,
            transition=transition,
            status_label=status_label,
            note=note,
            label=label,
        )
        link = _link(instance)
        created = [
            Notification.objects.create(
                recipient=user, kind=NotificationKind.DECISION, message=message, link=link
            )
            for user in recipients
        ]
        if email_configured():
            for notification in created:
                if notification.recipient.email:
                    _email(notification)
    return created


def decision_notify_on_commit(
    *, instance, transition, actor, status_label: str, note: str = "", label: str = ""
):
    """Schedules `decision_notify` for when the current transaction commits. A failure to
    notify is logged and never undoes the decision. `label` names the object where its own
    text would not (an award is named by its procurement)."""

    def send():
        try:
            decision_notify(
                instance=instance,
                transition=transition,
                actor=actor,
                status_label=str(status_label),
                note=note,
                label=label,
            )
        except Exception:  # the decision stands; the log says who was not told
            logger.exception(
                "decision notification for %s %s failed", type(instance).__name__, instance.pk
            )

    if getattr(instance, "organisation_lookup", ""):
        transaction.on_commit(send)
