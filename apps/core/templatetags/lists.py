"""`{% sort_header listing "key" label %}` — a sortable column header of a list built by
apps.core.lists.list_page (see there)."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/list_sort_header.html")
def sort_header(listing, key, label, css_class=""):
    return {"label": label, "css_class": css_class, **listing.header(key)}
