"""《工伤预防项目验收表》 — the annex of HB (附件), filled from the platform, as Word (.docx),
PDF (WeasyPrint with the project's CJK font) and Excel.

The annex is a fixed Chinese form: 项目名称, 项目类型, 所属行业, 项目申请单位, 实施机构, 项目开始
/结束时间, 中标金额, 已付金额, 未付金额, 项目计划情况, 项目实施情况, 评估专家意见 (1. 2. 3., 签字,
date), 评估机构意见 (合格/不合格, 签字, 公章, date), 领导小组办公室意见 (合格/不合格, 章, date),
备注 — and "此表一式四份，项目申请单位、实施机构、领导小组办公室、经办机构各一份". So each document
holds four copies, 第一联…第四联, each naming the holder it is for. Signatures and seals are
slots left for the signatories; everything else comes from the records:

- the project (name, type, industry, applicant), the application's implementing agency;
- the service agreement (start, 中标金额 = the award, paid = the ledger's total, unpaid);
- the plan: the procurement's quantified requirements, each with its acceptance criterion;
- the implementation: the agency's summary of the targets achieved and the evaluation's;
- the experts' opinions, the evaluation agency's verdict, the office's opinion, with dates;
- the remarks: the auditor's opinion on the expenses and the written implementation report.

Every download is audited (an export entry on the application).
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.excel import Column, append_row, new_workbook, sheet_title, workbook_bytes
from apps.core.excel import write_table as excel_table

from .models import AcceptanceStatus, AuditOpinion, EvaluationReport, ExpertOpinion, Verdict

TITLE = "工伤预防项目验收表"
#: HB annex: 此表一式四份，项目申请单位、实施机构、领导小组办公室、经办机构各一份.
COPIES = (
    ("第一联", "项目申请单位"),
    ("第二联", "实施机构"),
    ("第三联", "领导小组办公室"),
    ("第四联", "经办机构"),
)
DISTRIBUTION = "此表一式四份，项目申请单位、实施机构、领导小组办公室、经办机构各一份"
TYPE_LABELS = {"training": "培训类", "promotion": "宣传类"}
EXPERT_SLOTS = 3
FONT = "WenQuanYi Micro Hei"


@dataclass
class Opinion:
    text: str = ""
    signer: str = ""
    date: datetime.date | None = None

    @property
    def date_text(self) -> str:
        return cn_date(self.date)


@dataclass
class FormData:
    """The fields of the annex, in its order."""

    project_name: str
    project_type: str
    industry: str
    applicant: str
    implementer: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    award_amount: Decimal | None
    paid: Decimal | None
    unpaid: Decimal | None
    plan: list[str]
    implementation: str
    experts: list[Opinion]
    evaluation: Opinion
    office: Opinion
    remarks: str
    targets: list[dict] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) of the single-value fields, for the Excel sheet and the tests."""
        return [
            ("项目名称", self.project_name),
            ("项目类型", self.project_type),
            ("所属行业", self.industry),
            ("项目申请单位", self.applicant),
            ("实施机构", self.implementer),
            ("项目开始时间", cn_date(self.starts_on)),
            ("项目结束时间", cn_date(self.ends_on)),
            ("中标金额", money(self.award_amount)),
            ("已付金额", money(self.paid)),
            ("未付金额", money(self.unpaid)),
            ("项目计划情况", "\n".join(self.plan)),
            ("项目实施情况", self.implementation),
            ("评估专家意见", self.experts_text),
            ("评估机构意见", self.evaluation.text),
            ("工伤预防工作领导小组办公室意见", self.office.text),
            ("备注", self.remarks),
        ]

    @property
    def starts_text(self) -> str:
        return cn_date(self.starts_on)

    @property
    def ends_text(self) -> str:
        return cn_date(self.ends_on)

    @property
    def money_texts(self) -> tuple[str, str, str]:
        return money(self.award_amount), money(self.paid), money(self.unpaid)

    @property
    def experts_text(self) -> str:
        return "\n".join(f"{n}. {o.text}" for n, o in enumerate(self.expert_slots, start=1))

    @property
    def expert_slots(self) -> list[Opinion]:
        """At least the annex's three numbered lines; more experts get more lines."""
        slots = list(self.experts)
        while len(slots) < EXPERT_SLOTS:
            slots.append(Opinion())
        return slots


def cn_date(value) -> str:
    """年 月 日 as the form writes it; an empty slot when there is no date yet."""
    if value is None:
        return "    年   月   日"
    return f"{value.year}年{value.month}月{value.day}日"


def money(value) -> str:
    return "" if value is None else f"{value:,.2f} 元"


def _local_date(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _agreement_and_award(project):
    from apps.contracts.models import ServiceAgreement

    agreement = (
        ServiceAgreement.unscoped.filter(Q(project=project) | Q(lot__projects=project))
        .select_related("award")
        .order_by("pk")
        .first()
    )
    return agreement, (agreement.award if agreement is not None else None)


def _requirements(project) -> list:
    from apps.procurement.models import ProcurementStatus, RequirementItem

    return list(
        RequirementItem.objects.filter(
            Q(procurement__project=project) | Q(procurement__lot__projects=project)
        )
        .exclude(procurement__status=ProcurementStatus.CANCELLED)
        .distinct()
        .order_by("procurement_id", "number")
    )


def _verdict_sentence(name: str, lead: str, passed: bool | None) -> str:
    if passed is None:
        return f"{lead}，{name}验收评估合格（或不合格）。"
    return f"{lead}，{name}验收评估{'合格' if passed else '不合格'}。"


def form_data(application) -> FormData:
    """Every field of the annex from the platform's records of `application`."""
    project = application.project
    agreement, award = _agreement_and_award(project)
    report = EvaluationReport.objects.filter(application=application).first()
    audit = AuditOpinion.objects.filter(application=application).first()
    experts = list(
        ExpertOpinion.objects.filter(application=application)
        .select_related("expert")
        .order_by("recorded_at", "pk")
    )
    requirements = _requirements(project)
    name = f"“{project.name}”"
    decided = application.status in (AcceptanceStatus.ACCEPTED, AcceptanceStatus.FAILED)
    office_name = f"{project.jurisdiction.name}工伤预防工作领导小组办公室"
    implementation = [f"实施机构：{application.summary}"]
    if report is not None:
        implementation.append(f"第三方评估：{report.summary}")
    remarks = []
    if audit is not None:
        remarks.append(
            f"审计意见（{audit.auditor.full_name or audit.auditor.username}）："
            f"{'费用支出合规' if audit.compliant else '费用支出不合规'}；{audit.opinion}"
        )
    if application.commits_report:
        remarks.append(
            "书面实施报告：已提交"
            if application.implementation_report_id
            else "书面实施报告：承诺提交，尚未提交"
        )
    if decided and application.status == AcceptanceStatus.FAILED and application.opinion:
        remarks.append(f"不合格原因：{application.opinion}")
    paid = agreement.paid_total if agreement is not None else None
    return FormData(
        project_name=project.name,
        project_type=TYPE_LABELS.get(project.project_type, project.project_type),
        industry=project.industry.name if project.industry_id else "",
        applicant=project.applicant.name if project.applicant_id else "",
        implementer=application.organisation.name,
        starts_on=agreement.starts_on if agreement is not None else None,
        ends_on=application.finished_on,
        award_amount=award.amount if award is not None else None,
        paid=paid,
        unpaid=(agreement.amount - paid) if agreement is not None else None,
        plan=[
            f"{item.number}. {item.name}：{item.quantity.normalize():f}{item.unit}"
            f"（验收标准：{item.acceptance_criterion}）"
            for item in requirements
        ],
        implementation="\n".join(implementation),
        experts=[
            Opinion(
                text=o.opinion,
                signer=o.expert.full_name or o.expert.username,
                date=_local_date(o.recorded_at),
            )
            for o in experts
        ],
        evaluation=Opinion(
            text=_verdict_sentence(
                name, "经综合评估", None if report is None else report.verdict == Verdict.PASS
            ),
            signer=report.organisation.name if report is not None else "",
            date=_local_date(report.recorded_at) if report is not None else None,
        ),
        office=Opinion(
            text=_verdict_sentence(
                name,
                "经研究",
                (application.status == AcceptanceStatus.ACCEPTED) if decided else None,
            ),
            signer=office_name,
            date=_local_date(application.decided_at) if decided else None,
        ),
        remarks="\n".join(remarks),
        targets=[
            {
                "number": item.number,
                "name": item.name,
                "quantity": item.quantity,
                "unit": item.unit,
                "criterion": item.acceptance_criterion,
            }
            for item in requirements
        ],
    )


def _audit(application, fmt: str) -> None:
    project = application.project
    audit_record(
        action=AuditAction.EXPORT,
        object_type=application._meta.label,
        object_id=application.pk,
        object_repr=str(application)[:200],
        jurisdiction_path=project.jurisdiction.path,
        project_id=project.pk,
        message=f"{TITLE} {fmt}",
    )


# --- Word -----------------------------------------------------------------------------------


def _cn_font(run, size=None, bold=False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _cell(cell, text: str, *, bold=False) -> None:
    cell.text = ""
    lines = (text or "").split("\n")
    paragraph = cell.paragraphs[0]
    for n, line in enumerate(lines):
        if n:
            paragraph = cell.add_paragraph()
        _cn_font(paragraph.add_run(line), 10.5, bold)


def _docx_copy(document, data: FormData, copy: tuple[str, str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cn_font(heading.add_run(TITLE), 16, True)
    label = document.add_paragraph()
    label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _cn_font(label.add_run(f"{copy[0]}（{copy[1]}存）"), 10.5)
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"

    def row(*pairs):
        cells = table.add_row().cells
        position = 0
        for text, span, bold in pairs:
            target = cells[position]
            if span > 1:
                target = target.merge(cells[position + span - 1])
            _cell(target, text, bold=bold)
            position += span

    row(("项目名称", 1, True), (data.project_name, 5, False))
    row(
        ("项目类型", 1, True),
        (data.project_type, 2, False),
        ("所属行业", 1, True),
        (data.industry, 2, False),
    )
    row(("项目申请单位", 1, True), (data.applicant, 5, False))
    row(("实施机构", 1, True), (data.implementer, 5, False))
    row(
        ("项目开始时间", 1, True),
        (cn_date(data.starts_on), 2, False),
        ("项目结束时间", 1, True),
        (cn_date(data.ends_on), 2, False),
    )
    row(
        ("中标金额", 1, True),
        (money(data.award_amount), 1, False),
        ("已付金额", 1, True),
        (money(data.paid), 1, False),
        ("未付金额", 1, True),
        (money(data.unpaid), 1, False),
    )
    row(("项目计划情况", 1, True), ("\n".join(data.plan), 5, False))
    row(("项目实施情况", 1, True), (data.implementation, 5, False))
    experts = "\n".join(
        f"{n}. {o.text}{'（签字：' + o.signer + '）' if o.signer else '        （签字）'}"
        f"    {o.date_text if o.date else ''}"
        for n, o in enumerate(data.expert_slots, start=1)
    )
    row(("评估专家意见", 1, True), (experts, 5, False))
    evaluation = (
        f"{data.evaluation.text}\n签字：          （公章）"
        f"{'  ' + data.evaluation.signer if data.evaluation.signer else ''}\n"
        f"{data.evaluation.date_text}"
    )
    row(("评估机构意见", 1, True), (evaluation, 5, False))
    office = f"{data.office.text}\n{data.office.signer}（章）\n{data.office.date_text}"
    row(("工伤预防工作领导小组办公室意见", 1, True), (office, 5, False))
    row(("备注", 1, True), (data.remarks, 5, False))
    note = document.add_paragraph()
    _cn_font(note.add_run(DISTRIBUTION), 9)


def form_docx(application) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    data = form_data(application)
    document = Document()
    for n, copy in enumerate(COPIES):
        if n:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _docx_copy(document, data, copy)
    buffer = io.BytesIO()
    document.save(buffer)
    _audit(application, "docx")
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def form_html(application, data: FormData | None = None) -> str:
    return render_to_string(
        "acceptance/pdf/acceptance_form.html",
        {
            "data": data or form_data(application),
            "copies": COPIES,
            "title": TITLE,
            "distribution": DISTRIBUTION,
        },
    )


def form_pdf(application) -> bytes:
    from weasyprint import HTML

    content = HTML(string=form_html(application)).write_pdf()
    _audit(application, "pdf")
    return content


# --- Excel ----------------------------------------------------------------------------------


def form_xlsx(application) -> bytes:
    """The same figures: the form's fields, the targets with the implementation, the four
    copies' holders."""
    data = form_data(application)
    book, sheet = new_workbook(TITLE)
    excel_table(
        sheet,
        columns=[Column("栏目", 28), Column("内容", 90, wrap=True)],
        rows=data.rows(),
    )
    for label, amount in (
        ("中标金额（元）", data.award_amount),
        ("已付金额（元）", data.paid),
        ("未付金额（元）", data.unpaid),
    ):
        row = append_row(sheet, [label, amount])
        sheet.cell(row=row, column=2).number_format = "#,##0.00"
    targets = book.create_sheet(sheet_title("项目计划与实施"))
    excel_table(
        targets,
        columns=[
            Column("序号", 6, "number"),
            Column("采购需求（目标）", 30, wrap=True),
            Column("数量", 10, "number"),
            Column("单位", 8),
            Column("验收标准", 40, wrap=True),
        ],
        rows=(
            [t["number"], t["name"], t["quantity"], t["unit"], t["criterion"]] for t in data.targets
        ),
    )
    append_row(targets, [])
    append_row(targets, ["实施情况", data.implementation])
    opinions = book.create_sheet(sheet_title("意见"))
    excel_table(
        opinions,
        columns=[
            Column("意见", 18),
            Column("内容", 60, wrap=True),
            Column("签字/盖章", 30),
            Column("日期", 16),
        ],
        rows=[
            *(
                [f"评估专家意见{n}", o.text, o.signer, o.date_text if o.date else ""]
                for n, o in enumerate(data.experts, start=1)
            ),
            [
                "评估机构意见",
                data.evaluation.text,
                data.evaluation.signer,
                data.evaluation.date_text if data.evaluation.date else "",
            ],
            [
                "领导小组办公室意见",
                data.office.text,
                data.office.signer,
                data.office.date_text if data.office.date else "",
            ],
        ],
    )
    distribution = book.create_sheet(sheet_title("分送"))
    excel_table(
        distribution,
        columns=[Column("联次", 10), Column("存档单位", 30)],
        rows=[list(copy) for copy in COPIES],
    )
    content = workbook_bytes(book)
    _audit(application, "xlsx")
    return content


FORMATS = {
    "docx": (
        form_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pdf": (form_pdf, "application/pdf"),
    "xlsx": (form_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
