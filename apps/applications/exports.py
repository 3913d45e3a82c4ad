"""Excel exports of application lists (region-scoped: they export what the user can see)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.excel import Column, new_workbook, workbook_bytes, write_table, xlsx_response


def workbook_response(
    *, title: str, headers: list[Column | str], rows, filename: str
) -> HttpResponse:
    """One table as an xlsx attachment, through the shared helper (literal text, layout)."""
    book, sheet = new_workbook(title)
    write_table(sheet, columns=headers, rows=rows)
    return xlsx_response(workbook_bytes(book), filename=filename)


def applications_xlsx_response(applications) -> HttpResponse:
    from apps.audit.models import AuditAction
    from apps.audit.services import audit_record

    headers = [
        Column(_("Application number"), 20),
        Column(_("Call"), 30),
        Column(_("Jurisdiction"), 12),
        Column(_("Applicant"), 30),
        Column(_("Project name"), 36),
        Column(_("Project type"), 12),
        Column(_("Industry"), 14),
        Column(_("Amount requested (yuan)"), 16, "money"),
        Column(_("Status"), 12),
        Column(_("Submitted at"), 17, "datetime"),
    ]
    rows = [
        [
            a.number,
            a.call.title,
            a.call.jurisdiction.name,
            a.applicant.name,
            a.project_name,
            a.get_project_type_display(),
            a.industry.name if a.industry_id else "",
            a.amount_requested,
            a.get_status_display(),
            timezone.localtime(a.submitted_at).replace(tzinfo=None) if a.submitted_at else None,
        ]
        for a in applications
    ]
    audit_record(
        action=AuditAction.EXPORT,
        object_type="applications.Application",
        object_repr=f"{len(rows)} applications",
        message="xlsx export",
    )
    return workbook_response(
        title=_("Applications"), headers=headers, rows=rows, filename="applications"
    )
