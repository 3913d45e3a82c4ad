"""Exports of procurement: the traceability matrix as Excel, the OCDS package (audited)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.excel import XLSX, Column, append_row, new_workbook, workbook_bytes, write_table


def traceability_columns() -> list[Column]:
    return [
        Column(_("Procurement"), 28, wrap=True),
        Column(_("No."), 6),
        Column(_("Requirement"), 28, wrap=True),
        Column(_("Quantity"), 10, "number"),
        Column(_("Unit"), 8),
        Column(_("Specification"), 30, wrap=True),
        Column(_("Details"), 40, wrap=True),
        Column(_("Acceptance criterion"), 40, wrap=True),
        Column(_("Evidence"), 14),
        Column(_("Verdict"), 10),
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
    book, sheet = new_workbook(_("Traceability"))
    append_row(
        sheet, [_("Traceability matrix: requirement → acceptance criterion → evidence → verdict")]
    )
    append_row(sheet, [f"{project.code} {project.name}"])
    append_row(
        sheet, [_("Generated at %(time)s") % {"time": f"{timezone.localtime():%Y-%m-%d %H:%M}"}]
    )
    sheet.append([])
    write_table(
        sheet, columns=traceability_columns(), rows=(traceability_cells(row) for row in rows)
    )
    return workbook_bytes(book)


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
