"""Roles of SPEC §2 and what each is bound to.

Government roles see by region (province: the whole province, city: its own city — HB §24).
External roles see only the projects they take part in.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Leading-group office")
    MEMBER_UNIT = "member_unit", _("Member unit")
    HRSS = "hrss", _("HRSS department")
    SI_AGENCY = "si_agency", _("Social-insurance agency")
    USER_ADMIN = "user_admin", _("User administrator")
    APPLICANT = "applicant", _("Applicant")
    IMPLEMENTER = "implementer", _("Implementing agency")
    ONLINE_PLATFORM = "online_platform", _("Online training platform")
    EVALUATOR = "evaluator", _("Evaluation agency / evaluator")
    EXPERT = "expert", _("Expert")
    AUDITOR = "auditor", _("Auditor")
    # 等保 8.1.5.1–3: the three platform administrators are separate accounts and roles.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


class OrganisationKind(models.TextChoices):
    APPLICANT_ENTERPRISE = "applicant_enterprise", _("Applicant enterprise")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    IMPLEMENTING_AGENCY = "implementing_agency", _("Implementing agency")
    OFFLINE_TRAINING_INSTITUTION = "offline_training", _("Offline training institution")
    ONLINE_TRAINING_PLATFORM = "online_platform", _("Online training platform")
    EVALUATION_AGENCY = "evaluation_agency", _("Evaluation agency")
    GOVERNMENT_OFFICE = "government_office", _("Leading-group office")
    MEMBER_UNIT = "member_unit", _("Member unit")
    HRSS_DEPARTMENT = "hrss_department", _("HRSS department")
    SOCIAL_INSURANCE_AGENCY = "si_agency", _("Social-insurance agency")
    EXPERT_POOL = "expert_pool", _("Expert pool / expert's employer")
    AUDIT_FIRM = "audit_firm", _("Audit firm")


@dataclass(frozen=True)
class RoleSpec:
    government: bool
    organisation_kinds: frozenset[str]
    needs_second_factor_by_default: bool = False


K = OrganisationKind
ROLE_SPECS: dict[str, RoleSpec] = {
    Role.OFFICE: RoleSpec(True, frozenset({K.GOVERNMENT_OFFICE})),
    Role.USER_ADMIN: RoleSpec(True, frozenset({K.GOVERNMENT_OFFICE})),
    Role.MEMBER_UNIT: RoleSpec(True, frozenset({K.MEMBER_UNIT})),
    Role.HRSS: RoleSpec(True, frozenset({K.HRSS_DEPARTMENT})),
    Role.SI_AGENCY: RoleSpec(True, frozenset({K.SOCIAL_INSURANCE_AGENCY})),
    Role.APPLICANT: RoleSpec(False, frozenset({K.APPLICANT_ENTERPRISE, K.INDUSTRY_ASSOCIATION})),
    Role.IMPLEMENTER: RoleSpec(
        False, frozenset({K.IMPLEMENTING_AGENCY, K.OFFLINE_TRAINING_INSTITUTION})
    ),
    Role.ONLINE_PLATFORM: RoleSpec(False, frozenset({K.ONLINE_TRAINING_PLATFORM})),
    Role.EVALUATOR: RoleSpec(False, frozenset({K.EVALUATION_AGENCY})),
    Role.EXPERT: RoleSpec(False, frozenset({K.EXPERT_POOL})),
    Role.AUDITOR: RoleSpec(False, frozenset({K.AUDIT_FIRM})),
    Role.SYSTEM_ADMIN: RoleSpec(True, frozenset({K.GOVERNMENT_OFFICE})),
    Role.SECURITY_ADMIN: RoleSpec(True, frozenset({K.GOVERNMENT_OFFICE})),
    Role.AUDIT_ADMIN: RoleSpec(True, frozenset({K.GOVERNMENT_OFFICE})),
}

GOVERNMENT_ROLES = frozenset(r for r, spec in ROLE_SPECS.items() if spec.government)
EXTERNAL_ROLES = frozenset(r for r, spec in ROLE_SPECS.items() if not spec.government)

# Administrator roles (等保 8.1.4.2, 8.1.5): a user administrator may not grant any of them, nor
# manage accounts that hold one — only the installation's superuser does. Otherwise one user
# administrator could make itself (or a friend) the auditor of its own actions.
ADMIN_ROLES = frozenset({Role.USER_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
GRANTABLE_BY_USER_ADMIN = frozenset(Role) - ADMIN_ROLES
