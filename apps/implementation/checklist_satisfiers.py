"""How the pre-start package meets its checklist items (HB §13): files uploaded for an item
(`prestart_file`, value "<item>:<evidence purpose>") and platform records (`prestart_record`:
plan rows, managers, teachers — each with a certificate)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.checklists.engine import Satisfaction, satisfier


def file_item(value: str) -> tuple[str, str]:
    """("device_photos", "site_photo") from "device_photos:site_photo"."""
    item, _sep, purpose = value.partition(":")
    return item, purpose or "general"


@satisfier("prestart_file")
def prestart_file_present(package, value: str, context: dict) -> Satisfaction:
    item, _purpose = file_item(value)
    files = [f for f in package.files.select_related("evidence") if f.item_code == item]
    if not files:
        return Satisfaction(False, _("Not uploaded yet."))
    links = tuple(
        (f.evidence.title, reverse("evidence:detail", args=[f.evidence_id])) for f in files
    )
    return Satisfaction(
        True,
        ngettext("%(n)d file on the platform.", "%(n)d files on the platform.", len(files))
        % {"n": len(files)},
        links,
    )


@satisfier("prestart_record")
def prestart_record_present(package, value: str, context: dict) -> Satisfaction:
    from .models import StaffRole

    if value == "training_lines":
        count = package.training_lines.count()
    elif value == "promotion_lines":
        count = package.promotion_lines.count()
    elif value in ("managers", "teachers"):
        role = StaffRole.MANAGER if value == "managers" else StaffRole.TEACHER
        count = package.staff.filter(role=role).count()
    else:
        raise ValueError(f"unknown pre-start record {value!r}")
    if not count:
        return Satisfaction(False, _("None recorded yet."))
    return Satisfaction(True, _("%(n)d recorded on the platform.") % {"n": count})
