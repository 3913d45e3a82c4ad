"""The printable application form (申请表) as PDF (issue 17 item 4): every section with its
fields and tables as the applicant filled them, and the signature and seal slots — what the
applicant signs, seals, scans and attaches (SZ P2②)."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.core.templatetags.wipp import yuan

from .forms import TABLE_SOURCES, TABLES
from .models import Application
from .sections import SECTIONS


def _shown(application: Application, name: str) -> str:
    field = Application._meta.get_field(name)
    if field.many_to_many:
        return "、".join(str(item) for item in getattr(application, name).all())
    value = getattr(application, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(application, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "amount_requested":
        return f"{yuan(value)} {_('yuan')}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if hasattr(value, "isoformat"):
        return date_format(value, "Y-m-d")
    return str(value)


def _table(application: Application, name: str) -> dict:
    form_class = TABLES[name][0]
    model = form_class._meta.model
    names = form_class._meta.fields
    rows = getattr(application, TABLE_SOURCES[name]).all()
    return {
        "title": str(model._meta.verbose_name_plural),
        "headers": [str(model._meta.get_field(n).verbose_name) for n in names],
        "rows": [[_cell(row, n) for n in names] for row in rows],
    }


def _cell(row, name: str) -> str:
    value = getattr(row, name)
    field = row._meta.get_field(name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(row, f"get_{name}_display")())
    if isinstance(value, bool):
        return "✓" if value else ""
    if hasattr(value, "isoformat"):
        return date_format(value, "Y-m-d")
    return str(value)


def application_sections(application: Application) -> list[dict]:
    """The application as filled in, section by section (title, labelled values, tables)."""
    return [
        {
            "title": section.title,
            "fields": [
                (Application._meta.get_field(n).verbose_name, _shown(application, n))
                for n in section.fields
            ],
            "tables": [_table(application, t) for t in section.tables],
        }
        for section in SECTIONS
    ]


def application_form_html(application: Application) -> str:
    sections = application_sections(application)
    return render_to_string(
        "applications/pdf/application_form.html",
        {
            "application": application,
            "sections": sections,
            "generated_at": timezone.localtime(),
        },
    )


def application_form_pdf(application: Application) -> bytes:
    from weasyprint import HTML

    return HTML(string=application_form_html(application)).write_pdf()
