from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.audit.selectors import may_browse_audit_log
from apps.deadlines.selectors import may_edit_holiday_schedules, unread_notification_count

from .roles import GOVERNMENT_ROLES, Role
from .selectors import may_open_security_page, may_open_system_page


def _entries(items, path: str) -> list[tuple]:
    """(label, url, icon, active): active when the page is the entry's or below it."""
    return [
        (label, url, icon, path == url or (url != "/" and path.startswith(url)))
        for label, url, icon in items
    ]


def navigation(request):
    """The main menu by role: the lifecycle pages in the bar, registers and administration
    under one menu so the bar fits a laptop screen."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": []}
    items = [
        (_("Home"), reverse("home"), "house"),
        (_("Calls"), reverse("calls:list"), "megaphone"),
        (_("Applications"), reverse("applications:list"), "file-earmark-text"),
    ]
    if user.is_superuser or user.role in GOVERNMENT_ROLES:
        items.insert(1, (_("Overview"), reverse("overview"), "bar-chart"))
    if user.role == Role.EXPERT:
        items.append((_("My reviews"), reverse("review:my"), "clipboard-check"))
    if user.is_superuser or user.role == Role.OFFICE:
        items.append((_("Expert review"), reverse("review:rounds"), "clipboard-data"))
    if user.is_superuser or user.role in (Role.OFFICE, Role.HRSS, Role.MEMBER_UNIT):
        items.append((_("Determination"), reverse("determination:index"), "check2-square"))
    items += [
        (_("Projects"), reverse("projects:list"), "folder2-open"),
        (_("Procurement"), reverse("procurement:list"), "cart-check"),
        (_("Deadlines"), reverse("deadlines:mine"), "alarm"),
    ]
    more = [
        (_("Findings"), reverse("findings:list"), "exclamation-triangle"),
        (_("Evidence"), reverse("evidence:list"), "files"),
        (_("Organisations"), reverse("manage:organisation_list"), "building"),
    ]
    from apps.qualifications.selectors import may_view_registers
    from apps.rectification.selectors import READ_ROLES as RECTIFICATION_READERS

    if user.is_superuser or user.role in RECTIFICATION_READERS:
        more.insert(1, (_("Rectification orders"), reverse("rectification:list"), "wrench"))
    if may_view_registers(user):
        more.append((_("Qualifications"), reverse("qualifications:index"), "patch-check"))
    if user.is_superuser or user.role == Role.USER_ADMIN:
        more.append((_("Accounts"), reverse("manage:user_list"), "people"))
        more.append((_("Excel imports"), reverse("imports:index"), "file-earmark-arrow-up"))
    if may_edit_holiday_schedules(user):
        more.append((_("Holiday schedules"), reverse("deadlines:holidays"), "calendar3"))
    if may_browse_audit_log(user):
        more.append((_("Audit log"), reverse("audit:list"), "shield-check"))
    if may_open_security_page(user):
        more.append((_("Security"), reverse("manage:security"), "shield-lock"))
    if may_open_system_page(user):
        more.append((_("System"), reverse("manage:system"), "gear"))
    more.append((_("API"), reverse("api-docs"), "plug"))
    return {
        "nav_items": _entries(items, request.path),
        "nav_more": _entries(more, request.path),
        "nav_path": request.path,
        # The bell in the bar: decisions and reminders not read yet (one count query; none on
        # an error page rendered inside a transaction that already failed).
        "unread_notifications": (
            0 if connection.needs_rollback else unread_notification_count(user=user)
        ),
    }
