"""The annual arrangement as PDF (WeasyPrint, Chinese font) and Excel. Both carry only the
entries the user's scope shows (a city exports its own lines), and every export is audited."""

from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.excel import (
    MONEY_FORMAT,
    XLSX,
    Column,
    append_row,
    new_workbook,
    sheet_title,
    workbook_bytes,
    write_table,
)

from . import selectors


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


def arrangement_xlsx(*, user, arrangement) -> bytes:
    context = export_context(user=user, arrangement=arrangement)
    book, sheet = new_workbook(str(arrangement.year))
    append_row(sheet, [arrangement.title])
    sheet["A1"].font = Font(bold=True, size=14)
    status = arrangement.get_status_display()
    append_row(sheet, [f"{_('Status')}: {status}"])
    sheet.append([])
    columns = [
        Column(_("No."), 6, "number"),
        Column(_("Jurisdiction"), 12),
        Column(_("Project number"), 22),
        Column(_("Project name"), 40, wrap=True),
        Column(_("Applicant"), 30, wrap=True),
        Column(_("Type"), 8),
        Column(_("Industry"), 12),
        Column(_("Procurement item"), 18),
        Column(_("Start"), 12, "date"),
        Column(_("End"), 12, "date"),
        Column(_("Amount (yuan)"), 16, "money"),
    ]
    types = {"training": _("Training"), "promotion": _("Promotion")}
    write_table(
        sheet,
        columns=columns,
        rows=(
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
            for number, entry in enumerate(context["entries"], start=1)
        ),
    )
    total_row = append_row(
        sheet, [_("Total"), "", "", "", "", "", "", "", "", "", context["total"]]
    )
    sheet.cell(row=total_row, column=1).font = Font(bold=True)
    sheet.cell(row=total_row, column=11).font = Font(bold=True)
    sheet.cell(row=total_row, column=11).number_format = MONEY_FORMAT
    if context["adjustments"]:
        history = book.create_sheet(sheet_title(_("Adjustments")))
        write_table(
            history,
            columns=[
                Column(_("Number"), 18),
                Column(_("Kind"), 14),
                Column(_("What changes"), 30, wrap=True),
                Column(_("Before"), 30, wrap=True),
                Column(_("After"), 30, wrap=True),
                Column(_("Reason"), 30, wrap=True),
            ],
            rows=(
                [
                    adjustment.number,
                    str(adjustment.get_kind_display()),
                    adjustment.subject,
                    adjustment.before_text,
                    adjustment.after_text,
                    adjustment.reason,
                ]
                for adjustment in context["adjustments"]
            ),
        )
    content = workbook_bytes(book)
    _audit(arrangement, "xlsx", len(context["entries"]))
    return content


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
