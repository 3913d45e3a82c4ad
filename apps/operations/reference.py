"""Reference data and the first administrator of a production install (issue 16 item 2).

A clean install is `migrate`, `load_reference_data` and `create_province_admin`: the region
tree with each root's key industries and the deadline rules go into the database; the rubrics,
the HB §10/§17 qualification thresholds and the checklists are data files read where they are
used, so loading them means checking every one parses. No account is created here — the demo
(demo/seed.py) calls the same loader and adds its accounts.
"""

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation, User
from apps.accounts.roles import OrganisationKind, Role
from apps.core.context import ActorContext, acting_as
from apps.jurisdictions.models import DeadlineRule, Jurisdiction, KeyIndustry
from apps.jurisdictions.services import deadline_rules_load, jurisdictions_load


@dataclass
class ReferenceLoad:
    jurisdictions: int = 0
    key_industries: int = 0
    deadline_rules: int = 0
    deadline_rules_created: int = 0
    rubrics: list[str] = field(default_factory=list)
    qualification_rules: str = ""
    checklists: list[str] = field(default_factory=list)


def reference_files_check() -> tuple[list[str], str, list[str]]:
    """Parses every rubric, the qualification requirements and every checklist; raises the
    loader's error naming the bad entry."""
    from apps.checklists.engine import checklist_codes, checklist_get
    from apps.qualifications.rules import RULES_PATH, rules_load
    from apps.review.rubric import load_rubric, rubric_codes

    rubrics = [load_rubric(code).code for code in rubric_codes()]
    rules_load(RULES_PATH)
    checklists = [checklist_get(code).code for code in checklist_codes()]
    return rubrics, RULES_PATH.name, checklists


@transaction.atomic
def reference_data_load() -> ReferenceLoad:
    """Idempotent: a second run changes nothing."""
    with acting_as(ActorContext(username="load_reference_data", via="system")):
        jurisdictions_load()
        created = deadline_rules_load()
    rubrics, rules, checklists = reference_files_check()
    return ReferenceLoad(
        jurisdictions=Jurisdiction.objects.count(),
        key_industries=KeyIndustry.objects.count(),
        deadline_rules=DeadlineRule.objects.count(),
        deadline_rules_created=created,
        rubrics=rubrics,
        qualification_rules=rules,
        checklists=checklists,
    )


def _root(code: str) -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.filter(code=code, parent__isnull=True).first()
    if jurisdiction is None:
        roots = ", ".join(f"{j.code} {j.name}" for j in Jurisdiction.objects.filter(parent=None))
        raise ValidationError(
            _("%(code)s is not a province (or a city with its own programme); known: %(roots)s.")
            % {"code": code, "roots": roots or _("none — run load_reference_data first")}
        )
    return jurisdiction


@transaction.atomic
def province_admin_create(
    *,
    jurisdiction_code: str,
    username: str,
    password: str,
    full_name: str,
    organisation_name: str = "",
    credit_code: str = "",
    email: str = "",
    second_factor_required: bool = True,
) -> User:
    """The first user administrator (用户管理员) of a province — or of a city with its own
    programme — in the leading-group office of that level, which is created if it does not
    exist. Later accounts are made by this administrator on /users/; a second run is refused."""
    root = _root(jurisdiction_code)
    existing = User.unscoped.filter(
        role=Role.USER_ADMIN, is_active=True, organisation__jurisdiction=root
    ).first()
    if existing is not None:
        raise ValidationError(
            _(
                "%(place)s already has a user administrator (%(username)s); further accounts "
                "are created by that administrator."
            )
            % {"place": root.name, "username": existing.username}
        )
    if User.unscoped.filter(username=username.strip()).exists():
        raise ValidationError(_("The username “%(username)s” is taken.") % {"username": username})
    with acting_as(ActorContext(username="create_province_admin", via="system")):
        office = Organisation.unscoped.filter(
            jurisdiction=root, kind=OrganisationKind.GOVERNMENT_OFFICE
        ).first()
        if office is None:
            if not (organisation_name.strip() and credit_code.strip()):
                raise ValidationError(
                    _(
                        "%(place)s has no leading-group office yet: give its name and unified "
                        "social credit code."
                    )
                    % {"place": root.name}
                )
            office = Organisation(
                name=organisation_name.strip(),
                credit_code=credit_code.strip().upper(),
                kind=OrganisationKind.GOVERNMENT_OFFICE,
                jurisdiction=root,
            )
            office.full_clean()
            office.save()
        user = User(
            username=username.strip(),
            full_name=full_name.strip(),
            email=email.strip(),
            role=Role.USER_ADMIN,
            organisation=office,
            second_factor_required=second_factor_required,
        )
        validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
    return user
