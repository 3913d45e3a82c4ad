"""Tests for apps.core.validators: pure functions, no database."""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.core.validators import (
    PROVINCE_CODES,
    USCC_CATEGORIES,
    USCC_CHARSET,
    make_resident_id,
    make_unified_social_credit_code,
    mask_mobile,
    mask_resident_id,
    normalize_mainland_mobile,
    normalize_resident_id,
    normalize_unified_social_credit_code,
    organization_code_check_char,
    resident_id_check_digit,
    unified_social_credit_code_check_char,
    validate_mainland_mobile,
    validate_resident_id,
    validate_unified_social_credit_code,
)

# The example in GB 11643-1999 itself.
STANDARD_RESIDENT_ID = "11010519491231002X"
# Published codes: a commonly cited sample, Huawei Technologies Co., Ltd., and
# Shenzhen Tencent Computer Systems Co., Ltd.
REAL_CREDIT_CODES = ["91350100M000100Y43", "914403001922038216", "9144030071526726XG"]

TODAY = datetime.date(2025, 6, 1)

property_test = hypothesis_settings(database=None, deadline=None)


def raised(validator, value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validator(value, **kwargs)
    return info.value


def with_check_digit(first17: str) -> str:
    return first17 + resident_id_check_digit(first17)


def with_check_chars(first16: str) -> str:
    """Complete a credit code whose first 16 characters are given, with both check chars."""
    first17 = first16 + organization_code_check_char(first16[8:])
    return first17 + unified_social_credit_code_check_char(first17)


@pytest.fixture
def english():
    """Render lazy messages in English, configuring bare settings when Django isn't set up."""
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(USE_I18N=False, USE_TZ=True, TIME_ZONE="Asia/Shanghai")
    with translation.override("en"):
        yield


# --- resident ID: valid values -------------------------------------------------------------------


def test_standard_example_resident_id_is_valid():
    validate_resident_id(STANDARD_RESIDENT_ID)


def test_lowercase_x_is_accepted():
    validate_resident_id(STANDARD_RESIDENT_ID.lower())


def test_spaces_are_ignored():
    validate_resident_id(" 110105 19491231 002X ")


def test_normalize_resident_id_strips_spaces_and_uppercases():
    assert normalize_resident_id(" 110105\u300019491231 002x\n") == STANDARD_RESIDENT_ID


def test_normalize_resident_id_folds_full_width_characters():
    assert normalize_resident_id("１１０１０５１９４９１２３１００２ｘ") == STANDARD_RESIDENT_ID


def test_normalize_resident_id_of_none_is_empty():
    assert normalize_resident_id(None) == ""


def test_birth_date_today_is_accepted():
    validate_resident_id(make_resident_id("110105", TODAY, "001"), today=TODAY)


def test_earliest_birth_date_is_accepted():
    validate_resident_id(make_resident_id("110105", datetime.date(1900, 1, 1), "001"))


def test_leap_day_birth_date_is_accepted():
    validate_resident_id(make_resident_id("110105", datetime.date(2000, 2, 29), "001"))


@pytest.mark.parametrize("province", sorted(PROVINCE_CODES))
def test_every_province_code_is_accepted(province):
    validate_resident_id(make_resident_id(f"{province}0101", datetime.date(1990, 1, 1), "123"))


# --- resident ID: invalid values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "resident_id_length"),
        ("11010519491231002", "resident_id_length"),
        ("11010519491231002X0", "resident_id_length"),
        ("110105194912310", "resident_id_length"),  # a 15-digit first-generation number
        ("1101051949123100XX", "resident_id_characters"),
        ("11010519491231A02X", "resident_id_characters"),
        ("11010519491231002Y", "resident_id_characters"),
        ("11010519491231002-", "resident_id_characters"),
        (with_check_digit("00010519491231002"), "resident_id_area_code"),
        (with_check_digit("10010519491231002"), "resident_id_area_code"),
        (with_check_digit("16010519491231002"), "resident_id_area_code"),
        (with_check_digit("72010519491231002"), "resident_id_area_code"),
        (with_check_digit("99010519491231002"), "resident_id_area_code"),
        (with_check_digit("11010519490230002"), "resident_id_birth_date"),  # 30 February
        (with_check_digit("11010519491301002"), "resident_id_birth_date"),  # month 13
        (with_check_digit("11010519490100002"), "resident_id_birth_date"),  # day 0
        (with_check_digit("11010519000229002"), "resident_id_birth_date"),  # 1900 not leap
        (with_check_digit("11010500000101002"), "resident_id_birth_date"),  # year 0
        (with_check_digit("11010518991231002"), "resident_id_birth_date"),  # before 1900
        (with_check_digit("11010520250602002"), "resident_id_birth_date"),  # after TODAY
        ("440524188001010014", "resident_id_birth_date"),  # GB 11643 example, born 1880
        ("110105194912310021", "resident_id_check_digit"),
        ("110105194912310020", "resident_id_check_digit"),
    ],
)
def test_invalid_resident_id_is_rejected_with_specific_code(value, code):
    assert raised(validate_resident_id, value, today=TODAY).code == code


def test_check_digit_error_names_expected_and_given_characters():
    error = raised(validate_resident_id, "110105194912310021")
    assert error.params == {"expected": "X", "got": "1"}


def test_check_digit_error_message_names_expected_and_given_characters(english):
    error = raised(validate_resident_id, "110105194912310021")
    assert error.messages == [
        "The check digit of this resident ID number is wrong: expected X, got 1."
    ]


def test_length_error_message_gives_the_length(english):
    error = raised(validate_resident_id, "11010519491231002")
    assert "has 17" in error.messages[0]


def test_birth_date_error_message_gives_the_date(english):
    error = raised(validate_resident_id, with_check_digit("11010519490230002"))
    assert "1949-02-30" in error.messages[0]


def test_future_and_invalid_birth_dates_have_different_messages(english):
    future = raised(validate_resident_id, with_check_digit("11010520250602002"), today=TODAY)
    unreal = raised(validate_resident_id, with_check_digit("11010519490230002"), today=TODAY)
    assert "future" in future.messages[0]
    assert "future" not in unreal.messages[0]


def test_birth_date_defaults_to_today():
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    error = raised(validate_resident_id, make_resident_id("110105", tomorrow, "001"))
    assert error.code == "resident_id_birth_date"


# --- resident ID: helpers ------------------------------------------------------------------------


def test_resident_id_check_digit_of_standard_example():
    assert resident_id_check_digit(STANDARD_RESIDENT_ID[:17]) == "X"


@pytest.mark.parametrize("first17", ["", "1101051949123100", "1101051949123100X", "１" * 17])
def test_resident_id_check_digit_rejects_bad_input(first17):
    with pytest.raises(ValueError):
        resident_id_check_digit(first17)


def test_make_resident_id_reproduces_standard_example():
    assert make_resident_id("110105", datetime.date(1949, 12, 31), "002") == STANDARD_RESIDENT_ID


def test_make_resident_id_pads_an_integer_sequence():
    assert make_resident_id("110105", datetime.date(1949, 12, 31), 2) == STANDARD_RESIDENT_ID


@pytest.mark.parametrize(
    ("area", "birth", "seq"),
    [
        ("11010", datetime.date(1990, 1, 1), "001"),
        ("990105", datetime.date(1990, 1, 1), "001"),
        ("110105", datetime.date(1899, 12, 31), "001"),
        ("110105", datetime.date(1990, 1, 1), "01"),
        ("110105", datetime.date(1990, 1, 1), 1000),
    ],
)
def test_make_resident_id_rejects_arguments_that_cannot_validate(area, birth, seq):
    with pytest.raises(ValueError):
        make_resident_id(area, birth, seq)


def test_mask_resident_id_keeps_first_and_last_four():
    assert mask_resident_id("130102199001011234") == "1301**********1234"


def test_mask_resident_id_normalises_first():
    assert mask_resident_id(" 11010519491231002x ") == "1101**********002X"


def test_mask_resident_id_hides_short_values_completely():
    assert mask_resident_id("12345678") == "********"


# --- resident ID: properties ---------------------------------------------------------------------

areas = st.builds(
    lambda province, rest: f"{province}{rest:04d}",
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(0, 9999),
)
# Stop a day short of today so a time zone ahead of the system clock cannot matter.
birth_dates = st.dates(
    datetime.date(1900, 1, 1), datetime.date.today() - datetime.timedelta(days=1)
)
sequences = st.integers(0, 999).map("{:03d}".format)


@property_test
@given(areas, birth_dates, sequences)
def test_every_made_resident_id_validates(area, birth, seq):
    validate_resident_id(make_resident_id(area, birth, seq))


@property_test
@given(areas, birth_dates, sequences, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_one_character_invalidates_a_resident_id(area, birth, seq, position, char):
    number = make_resident_id(area, birth, seq)
    if position < 17 and char == "X":
        char = "0"
    if number[position] == char:
        return
    altered = number[:position] + char + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_resident_id(altered)


@property_test
@given(areas, birth_dates, sequences)
def test_mask_resident_id_never_reveals_the_middle_of_an_id(area, birth, seq):
    number = make_resident_id(area, birth, seq)
    assert mask_resident_id(number) == number[:4] + "*" * 10 + number[-4:]


@property_test
@given(st.text())
def test_mask_resident_id_never_reveals_the_middle_of_any_text(text):
    normalised = normalize_resident_id(text)
    masked = mask_resident_id(text)
    assert len(masked) == len(normalised)
    assert set(masked[4:-4]) <= {"*"}
    if len(normalised) <= 8:
        assert set(masked) <= {"*"}


# --- credit code: valid values -------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_published_credit_code_is_valid(code):
    validate_unified_social_credit_code(code)


def test_lowercase_credit_code_is_accepted():
    validate_unified_social_credit_code(REAL_CREDIT_CODES[0].lower())


def test_normalize_credit_code_strips_and_uppercases():
    assert normalize_unified_social_credit_code(" 91350100m000100y43\t") == REAL_CREDIT_CODES[0]


@pytest.mark.parametrize(
    ("authority", "category"),
    [(a, c) for a, categories in sorted(USCC_CATEGORIES.items()) for c in sorted(categories)],
)
def test_every_listed_authority_and_category_is_accepted(authority, category):
    code = make_unified_social_credit_code(authority=authority, category=category)
    validate_unified_social_credit_code(code)


@pytest.mark.parametrize(("org_body", "check"), [("00000006", "X"), ("00000000", "0")])
def test_organisation_code_check_char_wraps_10_to_x_and_11_to_0(org_body, check):
    assert organization_code_check_char(org_body) == check
    code = with_check_chars("91110000" + org_body)
    assert code[16] == check
    validate_unified_social_credit_code(code)


# --- credit code: invalid values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "credit_code_length"),
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y433", "credit_code_length"),
        ("91350100I000100Y43", "credit_code_characters"),
        ("91350100O000100Y43", "credit_code_characters"),
        ("91350100S000100Y43", "credit_code_characters"),
        ("91350100V000100Y43", "credit_code_characters"),
        ("91350100Z000100Y43", "credit_code_characters"),
        ("91350100M000100Y4-", "credit_code_characters"),
        (with_check_chars("B1350100M000100Y"), "credit_code_authority"),
        (with_check_chars("01350100M000100Y"), "credit_code_authority"),
        (with_check_chars("94350100M000100Y"), "credit_code_category"),
        (with_check_chars("99350100M000100Y"), "credit_code_category"),
        (with_check_chars("Y2350100M000100Y"), "credit_code_category"),
        (with_check_chars("1A350100M000100Y"), "credit_code_category"),
        (with_check_chars("913501A0M000100Y"), "credit_code_division"),
        (with_check_chars("91X50100M000100Y"), "credit_code_division"),
        ("91350100M000100Y53", "credit_code_org_check"),
        ("91350100M000100YA3", "credit_code_org_check"),
        ("91350100M000100Y44", "credit_code_check"),
        ("914403001922038210", "credit_code_check"),
    ],
)
def test_invalid_credit_code_is_rejected_with_specific_code(value, code):
    assert raised(validate_unified_social_credit_code, value).code == code


def test_credit_code_check_error_names_expected_and_given_characters():
    error = raised(validate_unified_social_credit_code, "91350100M000100Y44")
    assert error.params == {"expected": "3", "got": "4"}


def test_credit_code_org_check_error_names_expected_and_given_characters():
    error = raised(validate_unified_social_credit_code, "91350100M000100Y53")
    assert error.params == {"expected": "4", "got": "5"}


def test_credit_code_check_error_message_names_expected_and_given_characters(english):
    error = raised(validate_unified_social_credit_code, "91350100M000100Y44")
    assert error.messages == [
        "The check character of this unified social credit code is wrong: expected 3, got 4."
    ]


def test_credit_code_characters_error_lists_the_bad_characters(english):
    error = raised(validate_unified_social_credit_code, "91350100I000100O43")
    assert error.params == {"characters": "I, O"}
    assert "I, O" in error.messages[0]


# --- credit code: helpers ------------------------------------------------------------------------


def test_organization_code_check_char_of_published_example():
    assert organization_code_check_char("M000100Y") == "4"


def test_credit_code_check_char_of_published_example():
    assert unified_social_credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("first17", ["", "91350100M000100Y", "91350100I000100Y4"])
def test_credit_code_check_char_rejects_bad_input(first17):
    with pytest.raises(ValueError):
        unified_social_credit_code_check_char(first17)


@pytest.mark.parametrize("first8", ["", "M000100", "M000100-"])
def test_organization_code_check_char_rejects_bad_input(first8):
    with pytest.raises(ValueError):
        organization_code_check_char(first8)


def test_make_credit_code_reproduces_published_example():
    made = make_unified_social_credit_code(
        authority="9", category="1", division="350100", org_body="M000100Y"
    )
    assert made == "91350100M000100Y43"


def test_make_credit_code_defaults_validate():
    validate_unified_social_credit_code(make_unified_social_credit_code())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"authority": "B"},
        {"category": "4"},
        {"authority": "Y", "category": "9"},
        {"division": "13010"},
        {"division": "13010A"},
        {"org_body": "MA0ABCD"},
        {"org_body": "MA0ABCDI"},
    ],
)
def test_make_credit_code_rejects_arguments_that_cannot_validate(kwargs):
    with pytest.raises(ValueError):
        make_unified_social_credit_code(**kwargs)


# --- credit code: properties ---------------------------------------------------------------------

authority_categories = st.sampled_from(
    [(a, c) for a, categories in sorted(USCC_CATEGORIES.items()) for c in sorted(categories)]
)
divisions = st.integers(0, 999999).map("{:06d}".format)
org_bodies = st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8)


@property_test
@given(authority_categories, divisions, org_bodies)
def test_every_made_credit_code_validates(authority_category, division, org_body):
    authority, category = authority_category
    code = make_unified_social_credit_code(
        authority=authority, category=category, division=division, org_body=org_body
    )
    validate_unified_social_credit_code(code)


@property_test
@given(
    authority_categories,
    divisions,
    org_bodies,
    st.integers(0, 17),
    st.sampled_from(USCC_CHARSET),
)
def test_changing_one_character_invalidates_a_credit_code(
    authority_category, division, org_body, position, char
):
    authority, category = authority_category
    code = make_unified_social_credit_code(
        authority=authority, category=category, division=division, org_body=org_body
    )
    if code[position] == char:
        return
    altered = code[:position] + char + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_unified_social_credit_code(altered)


# --- mobile numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "+8613800138000",
        "+86 138 0013 8000",
        "86-138-0013-8000",
        "008613800138000",
        "138-0013-8000",
        "１３８００１３８０００",
        13800138000,
    ],
)
def test_normalize_mainland_mobile_returns_bare_digits(value):
    assert normalize_mainland_mobile(value) == "13800138000"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_valid_mobile_prefixes_are_accepted(prefix):
    validate_mainland_mobile(prefix + "012345678")


def test_mobile_with_country_code_and_separators_is_accepted():
    validate_mainland_mobile("+86 138-0013-8000")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "mobile_length"),
        ("1380013800", "mobile_length"),
        ("138001380000", "mobile_length"),
        ("+86 1380013800", "mobile_length"),
        ("861380013800", "mobile_length"),
        ("1380013800a", "mobile_characters"),
        ("(138)00138000", "mobile_characters"),
        ("+1 2025550123", "mobile_characters"),
        ("12800138000", "mobile_prefix"),
        ("10800138000", "mobile_prefix"),
        ("23800138000", "mobile_prefix"),
        ("02312345678", "mobile_prefix"),
    ],
)
def test_invalid_mobile_is_rejected_with_specific_code(value, code):
    assert raised(validate_mainland_mobile, value).code == code


def test_mobile_prefix_error_message_gives_the_prefix(english):
    error = raised(validate_mainland_mobile, "12800138000")
    assert "12" in error.messages[0]


def test_mask_mobile_keeps_first_three_and_last_four():
    assert mask_mobile("13812345678") == "138****5678"


def test_mask_mobile_strips_the_country_code():
    assert mask_mobile("+86 138-1234-5678") == "138****5678"


def test_mask_mobile_hides_short_values_completely():
    assert mask_mobile("1234567") == "*******"


def test_mask_of_none_is_empty():
    assert mask_mobile(None) == ""
    assert mask_resident_id(None) == ""


@property_test
@given(st.sampled_from("3456789"), st.integers(0, 999_999_999).map("{:09d}".format))
def test_mask_mobile_never_reveals_the_middle_of_a_number(second, rest):
    number = "1" + second + rest
    assert mask_mobile(number) == number[:3] + "****" + number[-4:]


@property_test
@given(st.text())
def test_mask_mobile_never_reveals_the_middle_of_any_text(text):
    normalised = normalize_mainland_mobile(text)
    masked = mask_mobile(text)
    assert len(masked) == len(normalised)
    assert set(masked[3:-4]) <= {"*"}
    if len(normalised) <= 7:
        assert set(masked) <= {"*"}
