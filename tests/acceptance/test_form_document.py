"""《工伤预防项目验收表》 (HB annex): every field filled from the platform, four copies labelled
for the holders the annex names, the same figures in Word, PDF and Excel; the download route
for readers, audited; a reader outside the region gets 404."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.acceptance import form_document, services
from apps.audit.models import AuditEntry
from apps.contracts.services import payment_record
from apps.procurement.models import Procurement, RequirementItem
from tests.acceptance.world import apply, evaluate
from tests.implementation.world import pdf

pytestmark = pytest.mark.django_db

HOLDERS = ["项目申请单位", "实施机构", "领导小组办公室", "经办机构"]


def _targets(w):
    procurement = Procurement.unscoped.get(project=w.project)
    for number, (name, quantity, unit) in enumerate(
        [("重点行业一线职工安全培训", "500", "人"), ("线下培训课时", "24", "学时")], start=1
    ):
        RequirementItem.objects.create(
            procurement=procurement,
            number=number,
            name=name,
            quantity=Decimal(quantity),
            unit=unit,
            acceptance_criterion=f"{name}考核合格率不低于90%",
        )


def _accepted_and_paid(w, clock):
    _targets(w)
    application = apply(w)
    clock.set(2026, 11, 23)
    services.expert_opinion_record(user=w.expert, application=application, opinion="课程设置合理")
    evaluate(w, application)
    clock.set(2026, 11, 24)
    services.acceptance_decide(
        user=w.office, application=application, action="accept", note="同意验收"
    )
    payment_record(
        user=w.si,
        agreement=w.agreement,
        kind="balance",
        amount=Decimal("150000.00"),
        paid_on=datetime.date(2026, 11, 27),
        uploaded_file=pdf("voucher.pdf"),
    )
    application.refresh_from_db()
    return application


def _docx_text(content: bytes) -> tuple[list[str], list]:
    from docx import Document

    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    return paragraphs, document.tables


def _table_values(table) -> dict[str, str]:
    """Label → the text of the cell after it, for every labelled cell of the form."""
    values = {}
    for row in table.rows:
        texts = []
        seen = set()
        for cell in row.cells:  # a merged cell repeats: keep it once
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            texts.append(cell.text)
        for label, value in zip(texts[::2], texts[1::2], strict=False):
            values[label] = value
    return values


def test_the_docx_has_four_copies_with_every_field_from_the_platform(world):
    a, _b, clock = world
    application = _accepted_and_paid(a, clock)
    paragraphs, tables = _docx_text(form_document.form_docx(application))
    assert len(tables) == 4
    labels = [p for p in paragraphs if p.startswith("第")]
    assert labels == [
        f"{n}（{h}存）"
        for n, h in zip(["第一联", "第二联", "第三联", "第四联"], HOLDERS, strict=True)
    ]
    assert paragraphs.count(form_document.DISTRIBUTION) == 4
    values = _table_values(tables[0])
    project = a.project
    assert values["项目名称"] == project.name
    assert values["项目类型"] == "培训类"
    assert values["项目申请单位"] == project.applicant.name
    assert values["实施机构"] == application.organisation.name
    assert values["项目开始时间"] == "2026年3月1日"
    assert values["项目结束时间"] == "2026年11月18日"
    assert values["中标金额"] == "300,000.00 元"
    assert values["已付金额"] == "300,000.00 元"
    assert values["未付金额"] == "0.00 元"
    assert "1. 重点行业一线职工安全培训：500人（验收标准：" in values["项目计划情况"]
    assert "2. 线下培训课时：24学时" in values["项目计划情况"]
    assert "培训完成，考核合格率95%" in values["项目实施情况"]
    assert "综合评估" in values["项目实施情况"]
    assert "1. 课程设置合理（签字：" in values["评估专家意见"]
    assert "2. " in values["评估专家意见"] and "3. " in values["评估专家意见"]
    assert f"经综合评估，“{project.name}”验收评估合格。" in values["评估机构意见"]
    assert "（公章）" in values["评估机构意见"]
    assert "2026年11月23日" in values["评估机构意见"]
    office = values["工伤预防工作领导小组办公室意见"]
    assert f"经研究，“{project.name}”验收评估合格。" in office
    assert f"{project.jurisdiction.name}工伤预防工作领导小组办公室（章）" in office
    assert "2026年11月24日" in office
    assert "费用支出合规" in values["备注"]
    # The four copies carry the same fields.
    assert all(_table_values(t) == values for t in tables[1:])


def test_before_the_opinions_the_form_leaves_their_slots_open(world):
    a, _b, _clock = world
    application = apply(a)
    data = form_document.form_data(application)
    assert data.evaluation.text.endswith("验收评估合格（或不合格）。")
    assert data.office.text.endswith("验收评估合格（或不合格）。")
    assert data.office.date is None and data.office.date_text.strip() == "年   月   日"
    assert data.paid == Decimal("150000.00") and data.unpaid == Decimal("150000.00")


def test_a_failed_acceptance_reads_不合格_with_the_reason(world):
    a, _b, clock = world
    application = evaluate(a, apply(a), verdict="fail")
    clock.set(2026, 11, 25)
    services.acceptance_decide(
        user=a.office, application=application, action="fail", note="考试合格率未达标"
    )
    application.refresh_from_db()
    data = form_document.form_data(application)
    assert data.evaluation.text.endswith("验收评估不合格。")
    assert data.office.text.endswith("验收评估不合格。")
    assert "不合格原因：考试合格率未达标" in data.remarks


def _pdf_pages_text(html: str) -> list[str]:
    """The text WeasyPrint lays out on each page of the document it writes."""
    from weasyprint import HTML

    document = HTML(string=html).render()

    def texts(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", []) or []:
            yield from texts(child)

    return ["".join(texts(page._page_box)) for page in document.pages]


def test_the_pdf_has_the_same_fields_one_copy_a_page(world):
    a, _b, clock = world
    application = _accepted_and_paid(a, clock)
    content = form_document.form_pdf(application)
    assert content.startswith(b"%PDF")
    pages = _pdf_pages_text(form_document.form_html(application))
    assert len(pages) == 4
    for page, (number, holder) in zip(pages, form_document.COPIES, strict=True):
        assert f"{number}（{holder}存）" in page
        assert a.project.name in page
        assert "300,000.00 元" in page and "0.00 元" in page
        assert "重点行业一线职工安全培训" in page
        assert "验收评估合格。" in page
        assert "2026年11月24日" in page
        assert form_document.DISTRIBUTION in page


def test_the_xlsx_has_the_same_figures(world):
    from openpyxl import load_workbook

    a, _b, clock = world
    application = _accepted_and_paid(a, clock)
    book = load_workbook(io.BytesIO(form_document.form_xlsx(application)))
    sheet = book.worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert values["项目名称"] == a.project.name
    assert values["中标金额（元）"] == 300000
    assert values["已付金额（元）"] == 300000
    assert values["未付金额（元）"] == 0
    assert values["中标金额"] == "300,000.00 元"
    assert values["工伤预防工作领导小组办公室意见"].endswith("验收评估合格。")
    targets = book["项目计划与实施"]
    rows = list(targets.iter_rows(min_row=2, values_only=True))
    assert rows[0][:4] == (1, "重点行业一线职工安全培训", 500, "人")
    assert rows[1][:4] == (2, "线下培训课时", 24, "学时")
    holders = [r[1] for r in book["分送"].iter_rows(min_row=2, values_only=True)]
    assert holders == HOLDERS


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_readers_download_the_form_and_it_is_audited(world, client, fmt):
    a, b, _clock = world
    application = apply(a)
    url = reverse("acceptance:form", args=[application.pk, fmt])
    client.force_login(a.office)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == form_document.FORMATS[fmt][1]
    assert f".{fmt}" in response["Content-Disposition"]
    assert AuditEntry.unscoped.filter(
        action="export", object_id=str(application.pk), message__endswith=fmt
    ).exists()
    client.force_login(b.office)
    assert client.get(url).status_code == 404


def test_an_unknown_format_is_404(world, client):
    a, _b, _clock = world
    application = apply(a)
    client.force_login(a.office)
    url = reverse("acceptance:form", args=[application.pk, "txt"])
    assert client.get(url).status_code == 404
