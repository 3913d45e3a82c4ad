from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.audit.selectors import may_browse_audit_log
from apps.deadlines.selectors import may_edit_holiday_schedules

from .roles import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (_("Home"), reverse("home"), "house"),
        (_("Calls"), reverse("calls:list"), "megaphone"),
        (_("Applications"), reverse("applications:list"), "file-earmark-text"),
        (_("Projects"), reverse("projects:list"), "folder2-open"),
        (_("Procurement"), reverse("procurement:list"), "cart-check"),
        (_("Evidence"), reverse("evidence:list"), "files"),
        (_("Deadlines"), reverse("deadlines:mine"), "alarm"),
        (_("Organisations"), reverse("manage:organisation_list"), "building"),
    ]
    if user.role == Role.EXPERT:
        items.append((_("My reviews"), reverse("review:my"), "clipboard-check"))
    if user.is_superuser or user.role == Role.OFFICE:
        items.append((_("Expert review"), reverse("review:rounds"), "clipboard-data"))
    if user.is_superuser or user.role in (Role.OFFICE, Role.HRSS, Role.MEMBER_UNIT):
        items.append((_("Determination"), reverse("determination:index"), "check2-square"))
    if user.is_superuser or user.role == Role.USER_ADMIN:
        items.append((_("Accounts"), reverse("manage:user_list"), "people"))
    if may_edit_holiday_schedules(user):
        items.append((_("Holiday schedules"), reverse("deadlines:holidays"), "calendar3"))
    from apps.qualifications.selectors import may_view_registers

    if may_view_registers(user):
        items.append((_("Qualifications"), reverse("qualifications:index"), "patch-check"))
    if may_browse_audit_log(user):
        items.append((_("Audit log"), reverse("audit:list"), "shield-check"))
    items.append((_("API"), reverse("api-docs"), "plug"))
    return {"nav_items": items, "nav_path": request.path}
