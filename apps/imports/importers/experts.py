"""专家库 — a user administrator of a pool's level (the province, or a city with its own
programme) imports experts: an account of role expert in an expert-pool organisation named by
its credit code, and the expert's pool entry (specialities, available). A known username of
the pool is updated; a new one is created without a usable password — the administrator sets
each initial password on the account page before handing it over (no password travels in a
spreadsheet)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Organisation, User
from apps.accounts.roles import OrganisationKind, Role
from apps.accounts.services import _set_mobile
from apps.core.validators import normalize_unified_social_credit_code, validate_mainland_mobile
from apps.review.models import ExpertProfile

from ..registry import ImportColumn, Importer, importer_register
from .common import is_user_admin

YES = {"是", "yes", "y", "1", "true", "可用"}
NO = {"否", "no", "n", "0", "false", "不可用"}


def _read(row, context):
    values = row.values
    values["credit_code"] = normalize_unified_social_credit_code(values["credit_code"] or "")
    if values["mobile"]:
        try:
            validate_mainland_mobile(values["mobile"])
        except ValidationError as error:
            row.error("mobile", error.messages[0])
    available = values["available"].lower()
    if available and available not in YES | NO:
        row.error("available", _("Write 是 or 否."))
    values["available"] = available not in NO
    if len(values["username"]) > 150:
        row.error("username", _("At most 150 characters."))
    if len(values["specialities"]) > 300:
        row.error("specialities", _("At most 300 characters."))


def _check(rows, context):
    seen = {}
    for row in rows:
        name = row.values["username"]
        if name in seen:
            row.error("username", _("Also in row %(row)d of this file.") % {"row": seen[name]})
        seen.setdefault(name, row.number)
    pools = {
        o.credit_code: o
        for o in Organisation.unscoped.filter(
            credit_code__in={r.values["credit_code"] for r in rows}
        )
    }
    users = {
        u.username: u
        for u in User.unscoped.filter(username__in=list(seen)).select_related("expert_profile")
    }
    for row in rows:
        organisation = pools.get(row.values["credit_code"])
        if organisation is None:
            row.error("credit_code", _("No organisation is registered with this code."))
        elif organisation.kind != OrganisationKind.EXPERT_POOL:
            row.error(
                "credit_code",
                _("“%(name)s” is not an expert pool organisation.") % {"name": organisation.name},
            )
        elif organisation.jurisdiction_id != context.jurisdiction.pk:
            row.error(
                "credit_code",
                _("“%(name)s” belongs to another jurisdiction.") % {"name": organisation.name},
            )
        user = users.get(row.values["username"])
        if user is None:
            continue
        profile = getattr(user, "expert_profile", None)
        if (
            user.role != Role.EXPERT
            or profile is None
            or profile.pool_id != context.jurisdiction.pk
        ):
            row.error(
                "username",
                _("This username is taken by an account that is not an expert of your pool."),
            )


def _apply(rows, context) -> dict:
    created = updated = 0
    pools = {
        o.credit_code: o
        for o in Organisation.unscoped.filter(
            credit_code__in={r.values["credit_code"] for r in rows}
        )
    }
    for row in rows:
        values = row.values
        user = User.unscoped.filter(username=values["username"]).first()
        if user is None:
            user = User(username=values["username"], role=Role.EXPERT)
            user.set_unusable_password()
            created += 1
        else:
            updated += 1
        user.full_name = values["full_name"]
        user.email = values["email"]
        user.organisation = pools[values["credit_code"]]
        _set_mobile(user, values["mobile"])
        user.full_clean(exclude=["password"])
        user.save()
        ExpertProfile.objects.update_or_create(
            user=user,
            defaults={
                "pool": context.jurisdiction,
                "specialities": values["specialities"],
                "is_active": values["available"],
            },
        )
    return {"created": created, "updated": updated, "without_password": created}


EXPERTS = importer_register(
    Importer(
        kind="experts",
        label=gettext_lazy("Expert pool"),
        description=gettext_lazy(
            "Experts of your level's pool: new usernames become expert accounts without a "
            "password (set each initial password on the account page), known ones of the pool "
            "are updated."
        ),
        columns=(
            ImportColumn(
                "username", gettext_lazy("Username"), required=True, example="expert_wang"
            ),
            ImportColumn("full_name", gettext_lazy("Full name"), required=True, example="王五"),
            ImportColumn(
                "credit_code",
                gettext_lazy("Credit code of the expert pool organisation"),
                required=True,
                width=26,
            ),
            ImportColumn("mobile", gettext_lazy("Mobile number"), example="13800000000"),
            ImportColumn("email", gettext_lazy("E-mail")),
            ImportColumn(
                "specialities",
                gettext_lazy("Specialities"),
                example="建筑施工；危险化学品",
                width=30,
            ),
            ImportColumn("available", gettext_lazy("Available (是/否)"), example="是"),
        ),
        may_import=is_user_admin,
        read_row=_read,
        check_rows=_check,
        apply=_apply,
    )
)
