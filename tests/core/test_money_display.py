"""Money on pages reads as a reader expects (issue 13 item 10): thousands separators, two
decimals, a dash for nothing."""

from decimal import Decimal

from apps.core.templatetags.wipp import yuan


def test_thousands_and_two_decimals():
    assert yuan(Decimal("480000")) == "480,000.00"
    assert yuan("1234567.5") == "1,234,567.50"


def test_nothing_is_a_dash():
    assert yuan(None) == "—"
