"""Documents for signature: each expert's score sheet and the combined score table, as PDF
(WeasyPrint, Chinese font) and Excel. Every export is written to the audit log."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.excel import (
    XLSX,
    Column,
    append_row,
    new_workbook,
    workbook_bytes,
    write_table,
)

from . import selectors
from .results import sheet_totals


def _audit_export(*, obj, object_type: str, jurisdiction_path: str, message: str) -> None:
    audit_record(
        action=AuditAction.EXPORT,
        object_type=object_type,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        jurisdiction_path=jurisdiction_path,
        message=message,
    )


def _download(content: bytes, *, content_type: str, filename: str, ext: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{ext}"'
    return response


def pdf_bytes(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context | {"generated_at": timezone.localtime()})
    return HTML(string=html).write_pdf()


def _workbook(
    title: str, headers: list[Column | str], rows: list[list], preamble: list[str]
) -> bytes:
    book, sheet = new_workbook(title)
    for line in preamble:
        append_row(sheet, [line])
    sheet.append([])
    write_table(sheet, columns=headers, rows=rows)
    sheet.append([])
    append_row(sheet, [_("Signature:"), "", _("Date:")])
    return workbook_bytes(book)


def _sheet_rows(lines) -> list[list]:
    rows = []
    for first_level, indicators in lines:
        for _indicator, sheet_lines in indicators:
            for line in sheet_lines:
                saved = line.saved
                level = line.row.level(saved.level_code) if saved and saved.level_code else None
                rows.append(
                    [
                        first_level.name,
                        f"{line.row.code} {line.row.label}",
                        float(line.row.maximum),
                        str(level.label) if level else "",
                        float(saved.score) if saved else None,
                        float(line.computed.score) if line.computed else None,
                        saved.override_reason if saved else "",
                        saved.comment if saved else "",
                    ]
                )
    return rows


def sheet_response(*, assignment, rubric, fmt: str) -> HttpResponse:
    lines = selectors.sheet_lines(rubric=rubric, assignment=assignment)
    application = assignment.application
    filename = f"score-sheet-{application.number}-{assignment.expert.username}"
    _audit_export(
        obj=assignment,
        object_type="review.ExpertAssignment",
        jurisdiction_path=assignment.round.call.jurisdiction.path,
        message=f"score sheet {fmt} export",
    )
    if fmt == "pdf":
        content = pdf_bytes(
            "review/pdf/sheet.html",
            {
                "assignment": assignment,
                "rubric": rubric,
                "lines": lines,
                "total": sheet_totals(assignment, rubric.bonus_max).base,
            },
        )
        return _download(content, content_type="application/pdf", filename=filename, ext="pdf")
    headers = [
        Column(_("First-level indicator"), 18),
        Column(_("Indicator"), 40, wrap=True),
        Column(_("Maximum"), 9, "number"),
        Column(_("Level"), 12),
        Column(_("Score"), 9, "number"),
        Column(_("Computed by the platform"), 12, "number"),
        Column(_("Reason for overriding"), 30, wrap=True),
        Column(_("Comment"), 30, wrap=True),
    ]
    preamble = [
        rubric.title,
        f"{_('Application')}: {application.number} {application.project_name}",
        f"{_('Applicant')}: {application.applicant.name}",
        f"{_('Expert')}: {assignment.expert.full_name or assignment.expert.username}",
        f"{_('Status')}: {assignment.get_status_display()}",
    ]
    rows = _sheet_rows(lines)
    for code, points in assignment.bonus.items():
        rows.append([_("Bonus"), code, None, "", float(points), None, "", ""])
    for code, reason in assignment.vetoes.items():
        rows.append([_("Veto"), code, None, "", None, None, "", reason])
    content = _workbook(_("Score sheet"), headers, rows, preamble)
    return _download(content, content_type=XLSX, filename=filename, ext="xlsx")


def results_response(*, review_round, fmt: str) -> HttpResponse:
    results = list(
        review_round.results.select_related("application__applicant").order_by(
            "rank", "application__number"
        )
    )
    first_levels = list(review_round.rubric.first_levels)
    call = review_round.call
    _audit_export(
        obj=review_round,
        object_type="review.ReviewRound",
        jurisdiction_path=call.jurisdiction.path,
        message=f"combined score table {fmt} export",
    )
    filename = f"review-results-{call.year}-{call.jurisdiction.code}"
    if fmt == "pdf":
        content = pdf_bytes(
            "review/pdf/results.html",
            {"round": review_round, "call": call, "results": results, "first_levels": first_levels},
        )
        return _download(content, content_type="application/pdf", filename=filename, ext="pdf")
    headers = [
        Column(_("Rank"), 6, "number"),
        Column(_("Application number"), 20),
        Column(_("Applicant"), 28),
        Column(_("Project name"), 34),
        Column(_("Experts"), 8, "number"),
    ]
    headers += [Column(f"{fl.code} {fl.name}", 12, "number") for fl in first_levels]
    headers += [
        Column(_("Score of indicators 1–6"), 12, "number"),
        Column(_("Bonus"), 8, "number"),
        Column(_("Deductions"), 10, "number"),
        Column(_("Final score"), 10, "number"),
        Column(_("Vetoed by"), 12),
        Column(_("Amount requested (yuan)"), 16, "money"),
        Column(_("Proposed for funding"), 10),
        Column(_("Reason for the office's adjustment"), 30, wrap=True),
    ]
    rows = []
    for result in results:
        application = result.application
        rows.append(
            [
                result.rank,
                application.number,
                application.applicant.name,
                application.project_name,
                result.expert_count,
            ]
            + [float(result.first_level.get(fl.code, 0)) for fl in first_levels]
            + [
                float(result.base_score),
                float(result.bonus),
                float(result.deduction),
                float(result.final_score),
                "、".join(v["code"] for v in result.vetoes),
                float(result.amount),
                _("yes") if result.proposed else _("no"),
                result.adjusted_reason,
            ]
        )
    preamble = [
        call.title,
        _("Combined score table"),
        f"{_('Budget total (yuan)')}: {call.budget_total}",
    ]
    content = _workbook(_("Combined scores"), headers, rows, preamble)
    return _download(content, content_type=XLSX, filename=filename, ext="xlsx")
