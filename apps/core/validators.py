"""Validators for Chinese identifiers: resident ID numbers, credit codes, mobile numbers.

Plain functions, usable from forms, DRF serializers, Excel imports and services alike. Every
``validate_*`` function normalises its input first (so it accepts what a person would type or
paste: surrounding spaces, full-width characters, lowercase ``x``) and raises
:class:`django.core.exceptions.ValidationError` with a translatable message and a stable
``code`` (see the ``*_CODE`` constants below) naming the first problem it finds. Store the
value returned by the matching ``normalize_*`` function, not the raw input.

The ``make_*`` and ``*_check_*`` helpers build values that validate, for factories and demo
data; they raise :class:`ValueError` (a programming error, not a user error) when given
arguments that cannot produce a valid value.
"""

import datetime
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_DIGITS = frozenset("0123456789")

# Zero-width characters that ride along when values are copied out of web pages and Excel.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _text(value: object) -> str:
    """Turn ``value`` into NFKC-normalised text without invisible or whitespace characters.

    NFKC folds full-width digits and letters (as typed with a Chinese input method) to ASCII.
    ``None`` becomes ``""``; other non-strings (an ``int`` read from an Excel cell) go
    through ``str``.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else str(value))
    return "".join(text.translate(_INVISIBLE).split())


def _today() -> datetime.date:
    """Today's date in the project's time zone, or the system's when Django is not set up."""
    try:
        use_tz = settings.USE_TZ
    except ImproperlyConfigured:
        return datetime.date.today()
    return timezone.localdate() if use_tz else datetime.date.today()


def _mask(value: str, keep_start: int, keep_end: int) -> str:
    """Replace all but the first ``keep_start`` and last ``keep_end`` characters with '*'.

    A value too short to leave anything hidden in between is masked completely.
    """
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


# --------------------------------------------------------------------------------------------
# Resident identity number (公民身份号码), GB 11643-1999
# --------------------------------------------------------------------------------------------

RESIDENT_ID_LENGTH_CODE = "resident_id_length"
RESIDENT_ID_CHARACTERS_CODE = "resident_id_characters"
RESIDENT_ID_AREA_CODE = "resident_id_area_code"
RESIDENT_ID_BIRTH_DATE_CODE = "resident_id_birth_date"
RESIDENT_ID_CHECK_DIGIT_CODE = "resident_id_check_digit"

#: First two digits of the address code: the provinces, autonomous regions and municipalities
#: of GB/T 2260, plus 71 (Taiwan), 81/82 (Hong Kong/Macao), 83 (residence permits for Taiwan
#: residents) and 91 (permanent residence ID cards for foreigners).
PROVINCE_CODES = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83", "91"]
)

#: Birth dates before this are rejected as data-entry errors.
RESIDENT_ID_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# ISO 7064 MOD 11-2: weight of position i (1-based, left to right) is 2**(18 - i) mod 11.
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)


def normalize_resident_id(value: str) -> str:
    """Return ``value`` without whitespace, with full-width characters folded, uppercased."""
    return _text(value).upper()


def resident_id_check_digit(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') for 17 digits."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError(f"Expected the first 17 digits of a resident ID number, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK_CHARS[total % 11]


def validate_resident_id(value: str, *, today: datetime.date | None = None) -> None:
    """Validate an 18-character PRC resident identity number (GB 11643-1999).

    Checks, in order: length, characters (17 digits then a digit or X), province part of the
    area code, birth date (a real date, not after ``today`` -- default: today in the project
    time zone -- and not before 1900-01-01), and the check character.
    """
    number = normalize_resident_id(value)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number must be exactly 18 characters long; this one has %(length)d."),
            code=RESIDENT_ID_LENGTH_CODE,
            params={"length": len(number)},
        )
    if not set(number[:17]) <= _DIGITS or number[17] not in _RESIDENT_ID_CHECK_CHARS:
        raise ValidationError(
            _("A resident ID number must be 17 digits followed by a digit or the letter X."),
            code=RESIDENT_ID_CHARACTERS_CODE,
        )
    area, province = number[:6], number[:2]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "The area code %(area)s of this resident ID number is invalid: "
                "%(province)s is not a province code."
            ),
            code=RESIDENT_ID_AREA_CODE,
            params={"area": area, "province": province},
        )
    _check_birth_date(number[6:14], today if today is not None else _today())
    expected, got = resident_id_check_digit(number[:17]), number[17]
    if got != expected:
        raise ValidationError(
            _(
                "The check digit of this resident ID number is wrong: "
                "expected %(expected)s, got %(got)s."
            ),
            code=RESIDENT_ID_CHECK_DIGIT_CODE,
            params={"expected": expected, "got": got},
        )


def _check_birth_date(digits: str, today: datetime.date) -> None:
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError(
            _("The birth date %(birth_date)s in this resident ID number is not a real date."),
            code=RESIDENT_ID_BIRTH_DATE_CODE,
            params={"birth_date": shown},
        ) from None
    if birth > today:
        raise ValidationError(
            _("The birth date %(birth_date)s in this resident ID number is in the future."),
            code=RESIDENT_ID_BIRTH_DATE_CODE,
            params={"birth_date": shown},
        )
    if birth < RESIDENT_ID_EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date %(birth_date)s in this resident ID number is before %(earliest)s."),
            code=RESIDENT_ID_BIRTH_DATE_CODE,
            params={"birth_date": shown, "earliest": RESIDENT_ID_EARLIEST_BIRTH_DATE.isoformat()},
        )


def make_resident_id(area: str, birth: datetime.date, seq: str | int) -> str:
    """Build a resident ID number from a 6-digit area code, a birth date and a sequence code.

    ``seq`` is the 3-digit order code (odd for men, even for women); an int is zero-padded.
    The result passes :func:`validate_resident_id` as long as ``birth`` is not in the future.
    """
    if isinstance(seq, int) and not isinstance(seq, bool):
        seq = f"{seq:03d}"
    if len(area) != 6 or not set(area) <= _DIGITS or area[:2] not in PROVINCE_CODES:
        raise ValueError(f"Expected a 6-digit area code with a valid province, got {area!r}")
    if not isinstance(seq, str) or len(seq) != 3 or not set(seq) <= _DIGITS:
        raise ValueError(f"Expected a 3-digit sequence code, got {seq!r}")
    if birth < RESIDENT_ID_EARLIEST_BIRTH_DATE:
        raise ValueError(f"Birth date {birth} is before {RESIDENT_ID_EARLIEST_BIRTH_DATE}")
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + resident_id_check_digit(first17)


def mask_resident_id(value: str) -> str:
    """Keep the first 4 and last 4 characters: ``1301**********1234``."""
    return _mask(normalize_resident_id(value), 4, 4)


# --------------------------------------------------------------------------------------------
# Unified social credit code (统一社会信用代码), GB 32100-2015
# --------------------------------------------------------------------------------------------

CREDIT_CODE_LENGTH_CODE = "credit_code_length"
CREDIT_CODE_CHARACTERS_CODE = "credit_code_characters"
CREDIT_CODE_AUTHORITY_CODE = "credit_code_authority"
CREDIT_CODE_CATEGORY_CODE = "credit_code_category"
CREDIT_CODE_DIVISION_CODE = "credit_code_division"
CREDIT_CODE_ORG_CHECK_CODE = "credit_code_org_check"
CREDIT_CODE_CHECK_CODE = "credit_code_check"

#: The 31 characters a credit code may use; a character's value is its index here.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: Registration authority code (character 1) -> organisation category codes (character 2).
#: 1, 5, 9 and Y are those of GB 32100-2015 itself; the others were assigned to further
#: registration authorities under it afterwards and appear on real, issued codes.
USCC_CATEGORIES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "1": frozenset("1239"),  # 机构编制: 机关, 事业单位, 中央编办管理的群众团体, 其他
        "2": frozenset("19"),  # 外交: 外国常驻新闻机构, 其他
        # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
        "3": frozenset("123459"),
        "4": frozenset("19"),  # 文化: 外国在华文化中心, 其他
        "5": frozenset("1239"),  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
        "6": frozenset("129"),  # 旅游: 外国/港澳台旅游部门常驻代表机构, 其他
        "7": frozenset("129"),  # 宗教: 宗教活动场所, 宗教院校, 其他
        "8": frozenset("19"),  # 工会: 基层工会, 其他
        "9": frozenset("123"),  # 工商: 企业, 个体工商户, 农民专业合作社
        "A": frozenset("19"),  # 中央军委改革和编制办公室: 军队事业单位, 其他
        "N": frozenset("1239"),  # 农业: 组级/村级/乡镇级集体经济组织, 其他
        "Y": frozenset("1"),  # 其他: not subdivided, always 1
    }
)

# GB 11714-1997 organisation code: weights for its 8 body characters.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize_unified_social_credit_code(value: str) -> str:
    """Return ``value`` without whitespace, with full-width characters folded, uppercased."""
    return _text(value).upper()


def organization_code_check_char(first8: str) -> str:
    """Return the GB 11714 check character ('0'-'9' or 'X') for an organisation code body.

    Digits count as themselves and letters A-Z as 10-35.
    """
    if len(first8) != 8 or not all(c in _DIGITS or "A" <= c <= "Z" for c in first8):
        raise ValueError(f"Expected 8 digits or capital letters, got {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def unified_social_credit_code_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or not set(first17) <= _USCC_VALUES.keys():
        raise ValueError(f"Expected 17 credit-code characters, got {first17!r}")
    total = sum(_USCC_VALUES[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_unified_social_credit_code(value: str) -> None:
    """Validate an 18-character unified social credit code (GB 32100-2015).

    Checks, in order: length, character set, registration authority code, organisation
    category code (per :data:`USCC_CATEGORIES`), that the administrative division code is 6
    digits, the GB 11714 check character of the embedded organisation code (character 17),
    and the final check character.
    """
    code = normalize_unified_social_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _(
                "A unified social credit code must be exactly 18 characters long; "
                "this one has %(length)d."
            ),
            code=CREDIT_CODE_LENGTH_CODE,
            params={"length": len(code)},
        )
    bad = sorted(set(code) - _USCC_VALUES.keys())
    if bad:
        raise ValidationError(
            _(
                "A unified social credit code may only contain digits and capital letters "
                "other than I, O, S, V and Z; it contains %(characters)s."
            ),
            code=CREDIT_CODE_CHARACTERS_CODE,
            params={"characters": ", ".join(bad)},
        )
    authority, category = code[0], code[1]
    if authority not in USCC_CATEGORIES:
        raise ValidationError(
            _(
                "%(authority)s is not a valid registration authority code "
                "(the first character of a unified social credit code)."
            ),
            code=CREDIT_CODE_AUTHORITY_CODE,
            params={"authority": authority},
        )
    if category not in USCC_CATEGORIES[authority]:
        raise ValidationError(
            _(
                "%(category)s is not a valid organisation category code for registration "
                "authority %(authority)s (the second character of a unified social credit code)."
            ),
            code=CREDIT_CODE_CATEGORY_CODE,
            params={"authority": authority, "category": category},
        )
    division = code[2:8]
    if not set(division) <= _DIGITS:
        raise ValidationError(
            _(
                "The administrative division code %(division)s (characters 3 to 8 of a unified "
                "social credit code) must be 6 digits."
            ),
            code=CREDIT_CODE_DIVISION_CODE,
            params={"division": division},
        )
    expected, got = organization_code_check_char(code[8:16]), code[16]
    if got != expected:
        raise ValidationError(
            _(
                "The organisation code check character (character 17) of this unified social "
                "credit code is wrong: expected %(expected)s, got %(got)s."
            ),
            code=CREDIT_CODE_ORG_CHECK_CODE,
            params={"expected": expected, "got": got},
        )
    expected, got = unified_social_credit_code_check_char(code[:17]), code[17]
    if got != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong: "
                "expected %(expected)s, got %(got)s."
            ),
            code=CREDIT_CODE_CHECK_CODE,
            params={"expected": expected, "got": got},
        )


def make_unified_social_credit_code(
    *,
    authority: str = "9",
    category: str = "1",
    division: str = "130100",
    org_body: str = "MA0ABCDE",
) -> str:
    """Build a unified social credit code that passes validation.

    ``org_body`` is the 8-character body of the organisation code (characters 9-16); both
    its GB 11714 check character (character 17) and the final check character (character 18)
    are computed here.
    """
    org_body = org_body.upper()
    if category not in USCC_CATEGORIES.get(authority, ()):
        raise ValueError(f"Unknown authority/category pair {authority!r}/{category!r}")
    if len(division) != 6 or not set(division) <= _DIGITS:
        raise ValueError(f"Expected a 6-digit administrative division code, got {division!r}")
    if len(org_body) != 8 or not set(org_body) <= _USCC_VALUES.keys():
        raise ValueError(f"Expected 8 credit-code characters for org_body, got {org_body!r}")
    first17 = f"{authority}{category}{division}{org_body}{organization_code_check_char(org_body)}"
    return first17 + unified_social_credit_code_check_char(first17)


# --------------------------------------------------------------------------------------------
# Mainland mobile phone number
# --------------------------------------------------------------------------------------------

MOBILE_CHARACTERS_CODE = "mobile_characters"
MOBILE_LENGTH_CODE = "mobile_length"
MOBILE_PREFIX_CODE = "mobile_prefix"

_HYPHENS = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2212"))


def normalize_mainland_mobile(value: str) -> str:
    """Return the bare digits of a mainland mobile number.

    Drops whitespace and hyphens and a leading ``+86``, ``0086`` or ``86`` country code;
    ``"+86 138-0013-8000"`` becomes ``"13800138000"``. Other input comes back cleaned but
    otherwise unchanged, for :func:`validate_mainland_mobile` to reject.
    """
    number = _text(value).translate(_HYPHENS)
    if number.startswith("+86"):
        return number[3:]
    if number.startswith("0086") and len(number) == 15:
        return number[4:]
    if number.startswith("86") and len(number) == 13:
        return number[2:]
    return number


def validate_mainland_mobile(value: str) -> None:
    """Validate a mainland China mobile number: 11 digits, starting 13-19."""
    number = normalize_mainland_mobile(value)
    if not set(number) <= _DIGITS:
        raise ValidationError(
            _("A mobile phone number may only contain digits, spaces, hyphens and a leading +86."),
            code=MOBILE_CHARACTERS_CODE,
        )
    if len(number) != 11:
        raise ValidationError(
            _("A mainland mobile phone number has 11 digits; this one has %(length)d."),
            code=MOBILE_LENGTH_CODE,
            params={"length": len(number)},
        )
    if number[0] != "1" or number[1] not in "3456789":
        raise ValidationError(
            _(
                "A mainland mobile phone number starts with 13 to 19; "
                "this one starts with %(prefix)s."
            ),
            code=MOBILE_PREFIX_CODE,
            params={"prefix": number[:2]},
        )


def mask_mobile(value: str) -> str:
    """Keep the first 3 and last 4 digits: ``138****5678``."""
    return _mask(normalize_mainland_mobile(value), 3, 4)
