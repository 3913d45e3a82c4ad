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
