"""Exports of procurement: the traceability matrix as Excel, the OCDS package (audited)."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from apps.audit.models import AuditAction
from apps.audit.services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def traceability_headers() -> list[str]:
    return [
        _("Procurement"),
        _("No."),
        _("Requirement"),
        _("Quantity"),
        _("Unit"),
        _("Specification"),
        _("Details"),
        _("Acceptance criterion"),
        _("Evidence"),
        _("Verdict"),
    ]


def traceability_cells(row) -> list:
    item = row.requirement
    return [
        row.procurement.title,
        item.number,
        item.name,
        item.quantity,
        item.unit,
        item.specification,
        "\n".join(row.details),
        item.acceptance_criterion,
        _("pending"),
        _("pending"),
    ]


def traceability_workbook(*, project, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Traceability")[:31]
    sheet.append(
        [_("Traceability matrix: requirement → acceptance criterion → evidence → verdict")]
    )
    sheet.append([f"{project.code} {project.name}"])
    sheet.append([_("Generated at %(time)s") % {"time": f"{timezone.localtime():%Y-%m-%d %H:%M}"}])
    sheet.append([])
    sheet.append(traceability_headers())
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(traceability_cells(row))
    for row in sheet.iter_rows(min_row=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [28, 6, 28, 10, 8, 30, 40, 40, 14, 10]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A6"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def traceability_response(*, project, rows) -> HttpResponse:
    content = traceability_workbook(project=project, rows=rows)
    audit_record(
        action=AuditAction.EXPORT,
        object_type="projects.Project",
        object_id=project.pk,
        object_repr=str(project)[:200],
        jurisdiction_path=project.jurisdiction.path,
        project_id=project.pk,
        message="traceability matrix (xlsx)",
    )
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="traceability-{project.code}-{stamp}.xlsx"'
    )
    return response


def audit_ocds_export(*, user, label: str, count: int) -> None:
    audit_record(
        action=AuditAction.EXPORT,
        object_type="procurement.Procurement",
        object_repr=f"OCDS {label}"[:200],
        jurisdiction_path=user.jurisdiction.path if user.jurisdiction else "",
        message=f"OCDS release package, {count} release(s)",
    )
