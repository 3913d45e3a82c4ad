"""Writes of the qualification register, and the recorded qualification check.

The register is kept by the organisation itself (its implementer / online-platform / evaluator
users); government users read it. A supporting file is uploaded through the evidence store in
the same transaction as the row it supports, and only after the row has passed validation, so a
refused row leaves no file behind and a refused file leaves no row.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import OrganisationKind, Role
from apps.projects.models import ProjectType

from .checks import QualificationReport, qualification_check
from .models import (
    AgencyType,
    Equipment,
    Licence,
    PlatformProfile,
    QualificationCheckRecord,
)
from .rules import RulesError, requirements

__all__ = [
    "QualificationReport",
    "equipment_save",
    "equipment_set_active",
    "licence_save",
    "licence_set_active",
    "platform_profile_save",
    "qualification_check",
    "qualification_check_record",
]

# Who keeps a register, and who reads and checks it.
REGISTER_KINDS = frozenset(
    {
        OrganisationKind.IMPLEMENTING_AGENCY,
        OrganisationKind.OFFLINE_TRAINING_INSTITUTION,
        OrganisationKind.ONLINE_TRAINING_PLATFORM,
        OrganisationKind.EVALUATION_AGENCY,
    }
)
EDITOR_ROLES = frozenset({Role.IMPLEMENTER, Role.ONLINE_PLATFORM, Role.EVALUATOR})
READER_ROLES = frozenset({Role.OFFICE, Role.HRSS, Role.SI_AGENCY, Role.MEMBER_UNIT})
# Procurement is run by the office and the social-insurance administrative department (HB §9).
CHECKER_ROLES = READER_ROLES

EQUIPMENT_FIELDS = (
    "kind",
    "device_model",
    "serial_number",
    "internet_connected",
    "resolution_lines",
    "audio_capture",
    "rotation_degrees",
    "storage_gb",
    "records_time_place_coordinates",
    "note",
)
LICENCE_FIELDS = (
    "kind",
    "number",
    "business_scope",
    "scope_categories",
    "valid_from",
    "valid_until",
)
PLATFORM_FIELDS = (
    "has_online_learning",
    "has_system_administration",
    "has_government_supervision",
    "has_security_operations",
    "province_contract_number",
    "province_contract_date",
    "integrated",
)
EVIDENCE_PURPOSE = "general"


def may_edit_register(user, organisation) -> bool:
    if user.is_superuser:
        return organisation.kind in REGISTER_KINDS
    return (
        user.is_active
        and user.role in EDITOR_ROLES
        and user.organisation_id == organisation.pk
        and organisation.kind in REGISTER_KINDS
    )


def _check_editor(user, organisation) -> None:
    if not may_edit_register(user, organisation):
        raise PermissionDenied(_("Only the organisation's own users keep its register."))


def _assign(instance, data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(instance, name, value)


def _attach_upload(*, user, organisation, uploaded_file, title: str):
    """Uploads a supporting file for the organisation; returns its evidence file."""
    from apps.evidence.services import evidence_upload

    version = evidence_upload(
        uploaded_by=user,
        uploaded_file=uploaded_file,
        purpose=EVIDENCE_PURPOSE,
        title=f"{organisation.name} · {title}"[:200],
        jurisdiction=organisation.jurisdiction,
        organisation=organisation,
    )
    return version.evidence_file


def _save_with_file(*, instance, user, organisation, uploaded_file, evidence_field: str, title):
    instance.full_clean(exclude=[evidence_field])
    if uploaded_file is not None:
        evidence_file = _attach_upload(
            user=user, organisation=organisation, uploaded_file=uploaded_file, title=title()
        )
        setattr(instance, evidence_field, evidence_file)
    instance.save()
    return instance


@transaction.atomic
def equipment_save(
    *, user, organisation, data: dict, uploaded_file=None, equipment: Equipment | None = None
) -> Equipment:
    """Adds a device to the register (`equipment=None`) or changes one; `uploaded_file`
    (purchase invoice or photo) becomes its supporting file."""
    _check_editor(user, organisation)
    if equipment is None:
        equipment = Equipment(organisation=organisation)
    elif equipment.organisation_id != organisation.pk:
        raise PermissionDenied(_("The device belongs to another organisation."))
    _assign(equipment, data, EQUIPMENT_FIELDS)
    return _save_with_file(
        instance=equipment,
        user=user,
        organisation=organisation,
        uploaded_file=uploaded_file,
        evidence_field="evidence",
        title=lambda: str(equipment),
    )


@transaction.atomic
def equipment_set_active(*, user, equipment: Equipment, active: bool) -> Equipment:
    """Takes a device out of service (it no longer counts in checks), or back into service."""
    _check_editor(user, equipment.organisation)
    equipment.is_active = active
    equipment.save(update_fields=["is_active", "updated_at"])
    return equipment


@transaction.atomic
def licence_save(
    *, user, organisation, data: dict, uploaded_file=None, licence: Licence | None = None
) -> Licence:
    _check_editor(user, organisation)
    if licence is None:
        licence = Licence(organisation=organisation)
    elif licence.organisation_id != organisation.pk:
        raise PermissionDenied(_("The licence belongs to another organisation."))
    _assign(licence, data, LICENCE_FIELDS)
    return _save_with_file(
        instance=licence,
        user=user,
        organisation=organisation,
        uploaded_file=uploaded_file,
        evidence_field="evidence",
        title=lambda: str(licence),
    )


@transaction.atomic
def licence_set_active(*, user, licence: Licence, active: bool) -> Licence:
    _check_editor(user, licence.organisation)
    licence.is_active = active
    licence.save(update_fields=["is_active", "updated_at"])
    return licence


@transaction.atomic
def platform_profile_save(*, user, organisation, data: dict, contract_file=None) -> PlatformProfile:
    """The online-platform facts; `contract_file` is the signed contract with the province."""
    _check_editor(user, organisation)
    if organisation.kind != OrganisationKind.ONLINE_TRAINING_PLATFORM:
        raise ValidationError(_("Platform facts are kept by online training platforms only."))
    profile = PlatformProfile.unscoped.select_for_update().filter(
        organisation=organisation
    ).first() or PlatformProfile(organisation=organisation)
    _assign(profile, data, PLATFORM_FIELDS)
    return _save_with_file(
        instance=profile,
        user=user,
        organisation=organisation,
        uploaded_file=contract_file,
        evidence_field="province_contract_evidence",
        title=lambda: (
            _("Contract with the province %(number)s")
            % {"number": profile.province_contract_number}
        ),
    )


# --- the recorded check ---------------------------------------------------------------------


def may_check(user, jurisdiction) -> bool:
    """The procuring office (or HRSS department...) of the jurisdiction, or one above it."""
    if user.is_superuser:
        return True
    if not user.is_active or user.role not in CHECKER_ROLES or user.organisation_id is None:
        return False
    return jurisdiction.path.startswith(user.organisation.jurisdiction.path)


@transaction.atomic
def qualification_check_record(
    *,
    user,
    organisation,
    agency_type: str,
    project=None,
    jurisdiction=None,
    year: int | None = None,
    project_type: str | None = None,
) -> QualificationCheckRecord:
    """Runs the qualification check and keeps it (with the rules in force) as a record.

    With `project`, the jurisdiction, year and type are the project's (passing different ones
    is refused); without it, `jurisdiction` and `year` are required. The record's `.passed`
    says whether every line passed, `.lines` holds the lines (code, label, passed, evidence,
    cite, refs). A failed check is recorded too: it is the evidence of a refusal.
    """
    if agency_type not in AgencyType.values:
        raise ValidationError({"agency_type": _("Choose what the organisation is checked as.")})
    if project is not None:
        for given, own, name in (
            (jurisdiction, project.jurisdiction, "jurisdiction"),
            (year, project.year, "year"),
            (project_type, project.project_type, "project_type"),
        ):
            if given not in (None, "") and given != own:
                raise ValidationError({name: _("This does not match the project's own value.")})
        jurisdiction, year = project.jurisdiction, project.year
        project_type = project.project_type
    if jurisdiction is None:
        raise ValidationError({"jurisdiction": _("Say which jurisdiction procures.")})
    if not year:
        raise ValidationError({"year": _("Say for which year the agency is checked.")})
    if project_type and project_type not in ProjectType.values:
        raise ValidationError({"project_type": _("Choose training or promotion.")})
    if not may_check(user, jurisdiction):
        raise PermissionDenied(
            _("Only the procuring office of this jurisdiction (or one above it) runs the check.")
        )
    if organisation.kind not in REGISTER_KINDS:
        raise ValidationError(
            {"organisation": _("Only implementing, platform and evaluation agencies are checked.")}
        )
    try:
        rules = requirements()
    except RulesError as error:
        raise ValidationError(
            _("The requirements file is invalid: %(error)s") % {"error": error}
        ) from None
    report = qualification_check(
        organisation=organisation,
        agency_type=agency_type,
        jurisdiction=jurisdiction,
        year=year,
        project_type=project_type or None,
        rules=rules,
    )
    record = QualificationCheckRecord(
        organisation=organisation,
        agency_type=agency_type,
        jurisdiction=jurisdiction,
        year=year,
        project_type=project_type or "",
        project=project,
        passed=report.passed,
        lines=report.lines_json(),
        rules_version=rules.version,
        rules_snapshot=rules.raw,
        checked_by=user,
        checked_at=timezone.now(),
    )
    record.full_clean()
    record.save()
    if not record.passed:
        _finding_for_failed_check(record)
    return record


# The role an organisation of a register kind speaks with (who must answer a finding).
AGENCY_ROLE = {
    OrganisationKind.IMPLEMENTING_AGENCY: Role.IMPLEMENTER,
    OrganisationKind.OFFLINE_TRAINING_INSTITUTION: Role.IMPLEMENTER,
    OrganisationKind.ONLINE_TRAINING_PLATFORM: Role.ONLINE_PLATFORM,
    OrganisationKind.EVALUATION_AGENCY: Role.EVALUATOR,
}


def _finding_for_failed_check(record: QualificationCheckRecord) -> None:
    """A failed check is a finding against the agency (HB §10, §17), placed with the procuring
    jurisdiction and the project; the agency answers it, e.g. with the missing equipment."""
    from apps.findings.models import FindingSeverity
    from apps.findings.services import finding_raise

    failed = [line["label"] for line in record.lines if not line.get("passed")]
    finding_raise(
        rule_code="qualification_check",
        citation="HB §17" if record.agency_type == AgencyType.EVALUATION_AGENCY else "HB §10",
        severity=FindingSeverity.MAJOR,
        subject=record,
        message=_("%(organisation)s does not meet the qualification conditions: %(lines)s")
        % {"organisation": record.organisation, "lines": "；".join(failed) or "—"},
        owner_role=AGENCY_ROLE.get(record.organisation.kind, Role.IMPLEMENTER),
        owner_organisation=record.organisation,
        records=[{"what": "qualification_check", "id": record.pk, "rules": record.rules_version}],
    )
