"""Excel exports of application lists (region-scoped: they export what the user can see)."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(*, title: str, headers: list[str], rows, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


def applications_xlsx_response(applications) -> HttpResponse:
    from apps.audit.models import AuditAction
    from apps.audit.services import audit_record

    headers = [
        _("Application number"),
        _("Call"),
        _("Jurisdiction"),
        _("Applicant"),
        _("Project name"),
        _("Project type"),
        _("Industry"),
        _("Amount requested (yuan)"),
        _("Status"),
        _("Submitted at"),
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
