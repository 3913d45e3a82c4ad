from decimal import Decimal, InvalidOperation

from django import template

from apps.core.validators import mask_mobile as _mask_mobile
from apps.core.validators import mask_resident_id as _mask_resident_id

register = template.Library()


@register.filter
def mask_mobile(value) -> str:
    return _mask_mobile(value) if value else "—"


@register.filter
def mask_resident_id(value) -> str:
    return _mask_resident_id(value) if value else "—"


@register.filter
def yuan(value) -> str:
    """Money as a reader expects it: thousands separators and two decimals (480,000.00)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount.quantize(Decimal('0.01')):,}"
