"""The shared Excel helper (apps.core.excel): literal text and one layout for every export
(issue 12, item 8; OWASP ASVS 5.0 1.2.10)."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from apps.core.excel import Column, append_row, new_workbook, workbook_bytes, write_table


def _roundtrip(book):
    return load_workbook(io.BytesIO(workbook_bytes(book)))


def test_asvs_1_2_10_formula_like_text_is_a_literal_string_everywhere():
    book, sheet = new_workbook("名单")
    write_table(sheet, columns=["名称", "说明"], rows=[["=1+1", "+1"], ["-1", "@A1"]])
    # Even a cell written behind the helper's back is neutralised on save.
    sheet["D9"] = '=HYPERLINK("http://x")'
    other = book.create_sheet("Other")
    other.append(["\t=cmd", "\r=cmd", "普通文字", 12])
    saved = _roundtrip(book)
    for ws in saved.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    assert saved["名单"]["A2"].value == "=1+1" and saved["名单"]["A2"].quotePrefix
    assert saved["名单"]["D9"].value == '=HYPERLINK("http://x")'
    assert saved["Other"]["A1"].value == "\t=cmd" and saved["Other"]["A1"].data_type == "s"
    assert not saved["Other"]["C1"].quotePrefix
    assert saved["Other"]["D1"].value == 12 and saved["Other"]["D1"].data_type == "n"


def test_layout_widths_formats_frozen_header_filter_and_print_setup():
    book, sheet = new_workbook("安排: 2027/省级")
    append_row(sheet, ["标题"])
    sheet.append([])
    header_row = write_table(
        sheet,
        columns=[
            Column("项目", 40),
            Column("金额（元）", 16, "money"),
            Column("开始", 12, "date"),
        ],
        rows=[
            ["甲", Decimal("1234567.5"), datetime.date(2027, 1, 1)],
            ["乙", Decimal("10"), None],
        ],
    )
    assert header_row == 3
    saved = _roundtrip(book).active
    assert saved.title == "安排  2027 省级"
    assert saved.column_dimensions["A"].width == 40
    assert saved["B4"].number_format == "#,##0.00" and saved["B4"].value == 1234567.5
    assert saved["C4"].number_format == "yyyy-mm-dd"
    assert saved["A3"].font.bold
    assert saved.freeze_panes == "A4"
    assert saved.auto_filter.ref == "A3:C5"
    assert saved.page_setup.orientation == "landscape"
    assert saved.page_setup.fitToWidth == 1 and saved.page_setup.fitToHeight == 0
    assert saved.sheet_properties.pageSetUpPr.fitToPage
    assert saved.print_title_rows == "$3:$3"
