"""Reading an uploaded workbook against an importer's columns, and writing its template."""

import datetime
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from apps.core.excel import Column, new_workbook, workbook_bytes, write_table

from .registry import Importer, RowResult


def template_bytes(importer: Importer) -> bytes:
    """The workbook to fill in: the headers (required ones marked *) and one example row."""
    book, sheet = new_workbook(str(importer.label))
    headers = [
        Column(f"{c.header}{' *' if c.required else ''}", width=c.width) for c in importer.columns
    ]
    write_table(sheet, columns=headers, rows=[[c.example for c in importer.columns]])
    return workbook_bytes(book)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_names(column) -> set[str]:
    """A column's header in every language of the site: a template downloaded in Chinese is
    read by a user who has switched to English, and the other way round."""
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(column.header))
    return names


def rows_read(importer: Importer, content: bytes) -> list[RowResult]:
    """The filled rows of the first sheet (header in row 1, read by position as the template
    lays them out); a ValidationError when the file is no workbook, its header is not the
    template's, or it holds no row or too many."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(
            _("The file is not an Excel workbook (.xlsx). Download the template and fill it in."),
            code="not_xlsx",
        ) from None
    sheet = book.worksheets[0]
    width = len(importer.columns)
    lines = sheet.iter_rows(values_only=True)
    header = [cell_text(v).rstrip(" *") for v in list(next(lines, ()))[:width]]
    expected = [str(c.header) for c in importer.columns]
    if len(header) != width or not all(
        name in _header_names(column) for name, column in zip(header, importer.columns, strict=True)
    ):
        book.close()
        raise ValidationError(
            _("The first row must be the template's headers: %(headers)s.")
            % {"headers": "、".join(expected)},
            code="wrong_header",
        )
    rows = []
    for number, values in enumerate(lines, start=2):
        cells = [cell_text(v) for v in list(values)[:width]]
        cells += [""] * (width - len(cells))
        if not any(cells):
            continue
        if len(rows) >= importer.max_rows:
            book.close()
            raise ValidationError(
                _("One import holds at most %(max)d rows.") % {"max": importer.max_rows},
                code="too_many",
            )
        raw = {c.key: cells[i] for i, c in enumerate(importer.columns)}
        row = RowResult(number=number, values=raw)
        for column in importer.columns:
            if column.required and not raw[column.key]:
                row.error(column.key, _("This column is required."))
        rows.append(row)
    book.close()
    if not rows:
        raise ValidationError(_("The workbook has no filled rows."), code="empty")
    return rows
