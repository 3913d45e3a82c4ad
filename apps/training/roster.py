"""Trainee rosters in Excel (SPEC §6 Excel import of rosters; issue 14 item 3).

`roster_template()` is the workbook an agency fills in; `roster_rows_check` reads one and
returns every row with its errors (refused) and warnings (imported, with a finding): ID number
(GB 11643), name, sex and birth date against the ID number where given, mobile number, employer
credit code (GB 32100), duplicates in the file, in the project and in the same year's projects
of the province.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from apps.core.crypto import blind_index
from apps.core.excel import Column, new_workbook, workbook_bytes, write_table
from apps.core.validators import (
    normalize_mainland_mobile,
    normalize_resident_id,
    normalize_unified_social_credit_code,
    validate_mainland_mobile,
    validate_resident_id,
    validate_unified_social_credit_code,
)

from .models import Sex, Trainee

COLUMNS = [
    ("name", "姓名 Name", True),
    ("resident_id", "公民身份号码 Resident ID number", True),
    ("sex", "性别 Sex (男/女, optional)", False),
    ("birth_date", "出生日期 Birth date (YYYY-MM-DD, optional)", False),
    ("phone", "手机号码 Mobile", False),
    ("employer_name", "工作单位 Employer", True),
    ("employer_credit_code", "统一社会信用代码 Employer credit code", True),
    ("post", "岗位（工种） Post or trade", False),
]
MAX_ROWS = 5000
SEX_WORDS = {"男": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE, "女": Sex.FEMALE}
SEX_WORDS.update({"f": Sex.FEMALE, "female": Sex.FEMALE})


def roster_template() -> bytes:
    book, sheet = new_workbook("学员名单 Roster")
    write_table(sheet, columns=[Column(header, width=24) for _, header, _ in COLUMNS], rows=[])
    return workbook_bytes(book)


@dataclass
class RowCheck:
    number: int
    values: dict
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def roster_read(content: bytes) -> list[dict]:
    """Raw rows of the first sheet (header in row 1); ValidationError if it is no workbook."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(
            _("The file is not an Excel workbook (.xlsx). Use the template."), code="not_xlsx"
        ) from None
    sheet = book.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values)[: len(COLUMNS)] + [None] * (len(COLUMNS) - len(values))
        if all(_text(v) == "" for v in values):
            continue
        rows.append({"_row": number, **{key: values[i] for i, (key, _, _) in enumerate(COLUMNS)}})
        if len(rows) > MAX_ROWS:
            raise ValidationError(
                _("A roster holds at most %(max)d trainees.") % {"max": MAX_ROWS}, code="too_many"
            )
    book.close()
    if not rows:
        raise ValidationError(_("The roster has no trainees."), code="empty")
    return rows


def _mismatch(check: RowCheck, field_name: str, message: str) -> None:
    if settings.WIPP_TRAINING_ROSTER_MISMATCH_BLOCKS:
        check.errors.append((field_name, message))
    else:
        check.warnings.append((field_name, message))


def _check_row(raw: dict) -> RowCheck:
    check = RowCheck(number=raw["_row"], values={})
    name = _text(raw.get("name"))
    if not name:
        check.errors.append(("name", _("The name is missing.")))
    elif len(name) > 60 or any(ch.isdigit() for ch in name):
        check.errors.append(("name", _("The name is not a person's name.")))
    resident_id = normalize_resident_id(_text(raw.get("resident_id")))
    id_sex = id_birth = None
    try:
        validate_resident_id(resident_id)
    except ValidationError as error:
        check.errors.append(("resident_id", " ".join(error.messages)))
    else:
        id_birth = datetime.date(
            int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14])
        )
        id_sex = Sex.MALE if int(resident_id[16]) % 2 else Sex.FEMALE
    sex_text = _text(raw.get("sex"))
    if sex_text:
        sex = SEX_WORDS.get(sex_text.lower())
        if sex is None:
            check.errors.append(("sex", _("Sex is 男 or 女.")))
        elif id_sex and sex != id_sex:
            _mismatch(
                check,
                "sex",
                _("The sex %(given)s does not match the ID number (%(id)s).")
                % {"given": Sex(sex).label, "id": Sex(id_sex).label},
            )
    try:
        birth = _date(raw.get("birth_date"))
    except ValueError:
        check.errors.append(("birth_date", _("The birth date is not a date (YYYY-MM-DD).")))
    else:
        if birth and id_birth and birth != id_birth:
            _mismatch(
                check,
                "birth_date",
                _("The birth date %(given)s does not match the ID number (%(id)s).")
                % {"given": birth.isoformat(), "id": id_birth.isoformat()},
            )
    phone = _text(raw.get("phone"))
    if phone:
        try:
            validate_mainland_mobile(phone)
        except ValidationError as error:
            check.errors.append(("phone", " ".join(error.messages)))
        phone = normalize_mainland_mobile(phone)
    employer_name = _text(raw.get("employer_name"))
    if not employer_name:
        check.errors.append(("employer_name", _("The employer is missing.")))
    credit_code = normalize_unified_social_credit_code(_text(raw.get("employer_credit_code")))
    try:
        validate_unified_social_credit_code(credit_code)
    except ValidationError as error:
        check.errors.append(("employer_credit_code", " ".join(error.messages)))
    check.values = {
        "name": name,
        "resident_id": resident_id,
        "sex": id_sex or "",
        "birth_date": id_birth.isoformat() if id_birth else "",
        "phone": phone,
        "employer_name": employer_name[:200],
        "employer_credit_code": credit_code,
        "post": _text(raw.get("post"))[:100],
    }
    return check


def roster_rows_check(*, training_class, raw_rows: list[dict]) -> list[RowCheck]:
    project = training_class.project
    checks = [_check_row(raw) for raw in raw_rows]
    seen: dict[str, int] = {}
    indexes = {}
    for check in checks:
        resident_id = check.values["resident_id"]
        if not check.values["birth_date"]:
            continue
        if resident_id in seen:
            check.errors.append(
                (
                    "resident_id",
                    _("The same ID number is in row %(row)d of this file.")
                    % {"row": seen[resident_id]},
                )
            )
            continue
        seen[resident_id] = check.number
        indexes[blind_index(resident_id)] = check
    if indexes:
        root_path = project.jurisdiction.root.path
        others = (
            Trainee.unscoped.filter(
                resident_id_index__in=list(indexes),
                year=project.year,
                project__jurisdiction__path__startswith=root_path,
            )
            .select_related("project", "training_class")
            .order_by("pk")
        )
        for trainee in others:
            check = indexes[trainee.resident_id_index]
            if trainee.project_id == project.pk:
                message = _("This trainee is already on the project's roster (class %(cls)s).") % {
                    "cls": trainee.training_class
                }
            else:
                message = _(
                    "This trainee is already trained in %(year)d by project %(project)s."
                ) % {"year": project.year, "project": trainee.project.code}
            check.errors.append(("resident_id", message))
    return checks
