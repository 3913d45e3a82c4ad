from django import template

from apps.audit.plain import object_label, plain_changes

register = template.Library()


@register.filter
def plain_audit_changes(entry):
    return plain_changes(entry)


@register.filter
def audit_object_label(entry):
    return object_label(entry)
