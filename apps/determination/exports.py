"""The annual arrangement as PDF (WeasyPrint, Chinese font) and Excel. Both carry only the
entries the user's scope shows (a city exports its own lines), and every export is audited."""

import io
from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from apps.audit.models import AuditAction
from apps.audit.services import audit_record

from . import selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"


def _audit(arrangement, fmt: str, count: int) -> None:
    audit_record(
        action=AuditAction.EXPORT,
        object_type=arrangement._meta.label,
        object_id=arrangement.pk,
        object_repr=str(arrangement)[:200],
        jurisdiction_path=arrangement.province.path,
        message=f"{fmt}: {count}",
    )


def _download(content: bytes, *, content_type: str, arrangement, ext: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"arrangement-{arrangement.province.code}-{arrangement.year}-{stamp}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_context(*, user, arrangement) -> dict:
    entries = list(selectors.arrangement_entries(user=user, arrangement=arrangement))
    groups: dict = {}
    for entry in entries:
        groups.setdefault(entry.jurisdiction, []).append(entry)
    return {
        "arrangement": arrangement,
        "entries": entries,
        "groups": [
            (j, rows, sum((r.amount for r in rows), Decimal("0"))) for j, rows in groups.items()
        ],
        "total": sum((e.amount for e in entries), Decimal("0")),
        "adjustments": list(
            selectors.adjustments(user=user, arrangement=arrangement).filter(status="published")
        ),
        "generated_at": timezone.localtime(),
    }


def arrangement_html(*, user, arrangement, context: dict | None = None) -> str:
    context = context or export_context(user=user, arrangement=arrangement)
    return render_to_string("determination/pdf/arrangement.html", context)


def arrangement_pdf(*, user, arrangement) -> bytes:
    from weasyprint import HTML

    context = export_context(user=user, arrangement=arrangement)
    html = arrangement_html(user=user, arrangement=arrangement, context=context)
    content = HTML(string=html).write_pdf()
    _audit(arrangement, "pdf", len(context["entries"]))
    return content


HEADERS = (
    ("No.", 6),
    ("Jurisdiction", 12),
    ("Project number", 22),
    ("Project name", 40),
    ("Applicant", 30),
    ("Type", 8),
    ("Industry", 12),
    ("Procurement item", 18),
    ("Start", 12),
    ("End", 12),
    ("Amount (yuan)", 16),
)


def arrangement_xlsx(*, user, arrangement) -> bytes:
    context = export_context(user=user, arrangement=arrangement)
    book = Workbook()
    sheet = book.active
    sheet.title = str(arrangement.year)
    sheet.append([arrangement.title])
    sheet["A1"].font = Font(bold=True, size=14)
    status = arrangement.get_status_display()
    sheet.append([f"{_('Status')}: {status}"])
    sheet.append([])
    labels = {
        "No.": _("No."),
        "Jurisdiction": _("Jurisdiction"),
        "Project number": _("Project number"),
        "Project name": _("Project name"),
        "Applicant": _("Applicant"),
        "Type": _("Type"),
        "Industry": _("Industry"),
        "Procurement item": _("Procurement item"),
        "Start": _("Start"),
        "End": _("End"),
        "Amount (yuan)": _("Amount (yuan)"),
    }
    sheet.append([labels[h] for h, _w in HEADERS])
    header_row = sheet.max_row
    thin = Side(style="thin", color="888888")
    for index, (_h, width) in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        sheet.column_dimensions[get_column_letter(index)].width = width
    types = {"training": _("Training"), "promotion": _("Promotion")}
    for number, entry in enumerate(context["entries"], start=1):
        sheet.append(
            [
                number,
                entry.jurisdiction.name,
                entry.project.code,
                entry.project_name,
                entry.applicant_name,
                str(types.get(entry.project_type, entry.project_type)),
                entry.industry_name,
                entry.procurement_item,
                entry.start_date,
                entry.end_date,
                entry.amount,
            ]
        )
        row = sheet.max_row
        sheet.cell(row=row, column=11).number_format = MONEY_FORMAT
        for column in (9, 10):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
    sheet.append([_("Total"), "", "", "", "", "", "", "", "", "", context["total"]])
    total_row = sheet.max_row
    sheet.cell(row=total_row, column=1).font = Font(bold=True)
    sheet.cell(row=total_row, column=11).font = Font(bold=True)
    sheet.cell(row=total_row, column=11).number_format = MONEY_FORMAT
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if context["adjustments"]:
        history = book.create_sheet(_("Adjustments")[:31])
        history.append(
            [_("Number"), _("Kind"), _("What changes"), _("Before"), _("After"), _("Reason")]
        )
        for cell in history[1]:
            cell.font = Font(bold=True)
        for adjustment in context["adjustments"]:
            history.append(
                [
                    adjustment.number,
                    str(adjustment.get_kind_display()),
                    adjustment.subject,
                    adjustment.before_text,
                    adjustment.after_text,
                    adjustment.reason,
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    _audit(arrangement, "xlsx", len(context["entries"]))
    return buffer.getvalue()


def arrangement_response(*, user, arrangement, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        return _download(
            arrangement_pdf(user=user, arrangement=arrangement),
            content_type="application/pdf",
            arrangement=arrangement,
            ext="pdf",
        )
    return _download(
        arrangement_xlsx(user=user, arrangement=arrangement),
        content_type=XLSX,
        arrangement=arrangement,
        ext="xlsx",
    )
