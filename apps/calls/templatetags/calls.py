from django import template

from apps.calls.selectors import call_public_status

register = template.Library()


@register.filter
def public_status(call) -> str:
    return call_public_status(call)
