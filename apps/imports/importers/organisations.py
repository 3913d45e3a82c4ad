"""单位 by unified social credit code (GB 32100): a user administrator imports the
organisations of its own jurisdiction — new codes are created, known ones of the same
jurisdiction and kind get their name, address and contact updated."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind
from apps.accounts.services import organisation_create
from apps.core.validators import (
    normalize_unified_social_credit_code,
    validate_unified_social_credit_code,
)

from ..registry import ImportColumn, Importer, importer_register
from .common import choice_by_label, is_user_admin

# Government kinds are set up with their accounts, not imported.
IMPORTABLE_KINDS = [
    (value, label)
    for value, label in OrganisationKind.choices
    if value
    not in {
        OrganisationKind.GOVERNMENT_OFFICE,
        OrganisationKind.MEMBER_UNIT,
        OrganisationKind.HRSS_DEPARTMENT,
        OrganisationKind.SOCIAL_INSURANCE_AGENCY,
    }
]


def _read(row, context):
    values = row.values
    code = normalize_unified_social_credit_code(values["credit_code"] or "")
    values["credit_code"] = code
    if code:
        try:
            validate_unified_social_credit_code(code)
        except ValidationError as error:
            row.error("credit_code", error.messages[0])
    if values["kind"]:
        kind = choice_by_label(IMPORTABLE_KINDS, values["kind"])
        if kind is None:
            row.error(
                "kind",
                _("Unknown kind; use one of: %(kinds)s.")
                % {"kinds": "、".join(str(label) for _v, label in IMPORTABLE_KINDS)},
            )
        values["kind"] = kind or values["kind"]
    if len(values["name"]) > 200:
        row.error("name", _("At most 200 characters."))
    if len(values["address"]) > 300:
        row.error("address", _("At most 300 characters."))
    if len(values["contact_name"]) > 60:
        row.error("contact_name", _("At most 60 characters."))


def _check(rows, context):
    seen = {}
    for row in rows:
        code = row.values["credit_code"]
        if code in seen:
            row.error("credit_code", _("Also in row %(row)d of this file.") % {"row": seen[code]})
        seen.setdefault(code, row.number)
    known = {o.credit_code: o for o in Organisation.unscoped.filter(credit_code__in=list(seen))}
    jurisdiction = context.jurisdiction
    for row in rows:
        existing = known.get(row.values["credit_code"])
        if existing is None:
            continue
        if existing.jurisdiction_id != jurisdiction.pk:
            row.error(
                "credit_code",
                _("Already registered in %(place)s; only its administrators change it.")
                % {"place": existing.jurisdiction.name},
            )
        elif existing.kind != row.values["kind"]:
            row.error(
                "kind",
                _("Already registered as “%(kind)s”; the kind is not changed by an import.")
                % {"kind": existing.get_kind_display()},
            )


def _apply(rows, context) -> dict:
    created = updated = unchanged = 0
    known = {
        o.credit_code: o
        for o in Organisation.unscoped.filter(
            credit_code__in=[r.values["credit_code"] for r in rows]
        )
    }
    for row in rows:
        values = row.values
        existing = known.get(values["credit_code"])
        if existing is None:
            organisation_create(
                name=values["name"],
                credit_code=values["credit_code"],
                kind=values["kind"],
                jurisdiction=context.jurisdiction,
                address=values["address"],
                contact_name=values["contact_name"],
            )
            created += 1
            continue
        changes = {
            name: values[name]
            for name in ("name", "address", "contact_name")
            if values[name] and getattr(existing, name) != values[name]
        }
        if not changes:
            unchanged += 1
            continue
        for name, value in changes.items():
            setattr(existing, name, value)
        existing.full_clean()
        existing.save(update_fields=list(changes))
        updated += 1
    return {"created": created, "updated": updated, "unchanged": unchanged}


def _shown(key, value):
    if key == "kind" and value in OrganisationKind.values:
        return str(OrganisationKind(value).label)
    return value


ORGANISATIONS = importer_register(
    Importer(
        kind="organisations",
        label=gettext_lazy("Organisations"),
        description=gettext_lazy(
            "Organisations of your jurisdiction by unified social credit code: new codes are "
            "registered, known ones get their name, address and contact person updated."
        ),
        columns=(
            ImportColumn(
                "name", gettext_lazy("Name"), required=True, example="某某安全培训中心", width=30
            ),
            ImportColumn(
                "credit_code",
                gettext_lazy("Unified social credit code"),
                required=True,
                example="91130100MA0XXXXXXX",
                width=24,
            ),
            ImportColumn(
                "kind",
                gettext_lazy("Kind"),
                required=True,
                example=str(OrganisationKind.IMPLEMENTING_AGENCY.label),
                width=20,
            ),
            ImportColumn("address", gettext_lazy("Address"), example="石家庄市长安区…", width=30),
            ImportColumn("contact_name", gettext_lazy("Contact person"), example="张三"),
        ),
        may_import=is_user_admin,
        read_row=_read,
        check_rows=_check,
        apply=_apply,
        shown=_shown,
    )
)
