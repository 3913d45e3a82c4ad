"""The one way WIPP writes Excel: data, never formulas (issue 12, item 8).

Formula injection (OWASP ASVS 5.0 1.2.10; GB/T 22239-2019 8.1.4.9 on the integrity of data
handed out): a project name such as `=HYPERLINK("http://…","点击")` written as is becomes a
live formula in the office's spreadsheet. Every text that a spreadsheet could read as a formula
— beginning with `=`, `+`, `-`, `@`, a tab or a carriage return — is stored as a literal string
cell with Excel's "quote prefix" style, so it shows exactly as typed and stays text even when
someone edits the cell. `workbook_bytes` applies this to every cell of every sheet before
saving, so an export that appends a row by hand cannot forget it.

The helper also gives every export the same layout: column widths, money as `#,##0.00`,
dates, a styled and frozen header row with an autofilter, and print setup (landscape, fit to
the page width, the header row repeated on every page).
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_FORMATS = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}

_THIN = Side(style="thin", color="888888")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_BORDER = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
WRAPPED = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, width (characters) and kind of value.

    `kind`: "text", "number", "money" (`#,##0.00`), "date" or "datetime". `wrap` wraps long
    text in the data cells.
    """

    header: str
    width: float = 16
    kind: str = "text"
    wrap: bool = False


def as_columns(columns: Sequence[Column | str]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(str(c)) for c in columns]


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def make_literal(cell) -> None:
    """Stores the cell's value as a string cell, never as a formula."""
    cell.data_type = "s"
    cell.quotePrefix = True


def neutralise(sheet) -> None:
    """Every formula-like text of the sheet becomes a literal string cell."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" or is_formula_like(cell.value):
                make_literal(cell)


def append_row(sheet, values: Iterable) -> int:
    """Appends one row, its text kept literal; returns the row number."""
    sheet.append(list(values))
    row = sheet.max_row
    for cell in sheet[row]:
        if cell.data_type == "f" or is_formula_like(cell.value):
            make_literal(cell)
    return row


def write_table(sheet, *, columns: Sequence[Column | str], rows: Iterable[Sequence]) -> int:
    """Writes a header row and the data rows below what the sheet holds; returns the header
    row's number. Sets widths, number formats, the frozen header with an autofilter, and the
    print setup (the header repeats on every printed page)."""
    columns = as_columns(columns)
    header_row = append_row(sheet, [c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cell.border = HEADER_BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    last_row = header_row
    for values in rows:
        last_row = append_row(sheet, values)
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=last_row, column=index)
            number_format = NUMBER_FORMATS.get(column.kind)
            if number_format and cell.value is not None and not isinstance(cell.value, str):
                cell.number_format = number_format
            if column.wrap:
                cell.alignment = WRAPPED
    last_column = get_column_letter(len(columns))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return header_row


def new_workbook(title: str) -> tuple[Workbook, object]:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    return book, sheet


def sheet_title(title) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return (cleaned or "Sheet")[:31]


def workbook_bytes(book: Workbook) -> bytes:
    """The saved workbook, every sheet neutralised first."""
    for sheet in book.worksheets:
        neutralise(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    """An attachment named `<filename>-<local time>.xlsx`."""
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
