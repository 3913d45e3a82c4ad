"""The qualification check of an agency against its register (HB §10) and its projects (HB §17).

Each requirement is one `CheckLine`: a code, a label that cites the article, passed or not,
and the evidence — which register rows made it pass, or what is missing and why a row does not
count. The thresholds come from `rules.requirements()`; nothing here hard-codes a number.

A network camera counts only if it meets every camera specification at once; a device that is
out of service (inactive), and a licence not in force on the day of the check, do not count.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import ApiClient
from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectType

from .models import AgencyType, Equipment, EquipmentKind, Licence, PlatformProfile, ScopeCategory
from .rules import Requirements, requirements

SEP = "; "
# HB §17: an evaluation agency may not implement a project of the same type in the same area.
IMPLEMENTATION_ROLES = (ParticipantRole.IMPLEMENTER, ParticipantRole.ONLINE_PLATFORM)


@dataclass(frozen=True)
class CheckLine:
    code: str
    label: str
    passed: bool
    evidence: str
    cite: str
    refs: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class QualificationReport:
    organisation: object
    agency_type: str
    jurisdiction: object
    year: int
    project_type: str | None
    checked_on: datetime.date
    rules_version: str
    lines: list[CheckLine]

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(line.passed for line in self.lines)

    @property
    def failed_lines(self) -> list[CheckLine]:
        return [line for line in self.lines if not line.passed]

    def lines_json(self) -> list[dict]:
        return [line.as_dict() for line in self.lines]


@dataclass
class Register:
    """What one organisation has on file, read once for all lines."""

    equipment: list[Equipment]
    licences: list[Licence]
    profile: PlatformProfile | None
    api_clients: list[ApiClient]

    def of_kind(self, kind: str) -> list[Equipment]:
        return [e for e in self.equipment if e.kind == kind]


def register_read(organisation) -> Register:
    """System read (the check runs for whoever is entitled to run it; see services)."""
    return Register(
        equipment=list(
            Equipment.unscoped.filter(organisation=organisation, is_active=True).order_by(
                "kind", "serial_number"
            )
        ),
        licences=list(
            Licence.unscoped.filter(organisation=organisation, is_active=True).order_by("number")
        ),
        profile=PlatformProfile.unscoped.filter(organisation=organisation).first(),
        api_clients=list(
            ApiClient.objects.filter(
                service_user__organisation=organisation,
                is_active=True,
                service_user__is_active=True,
            ).order_by("name")
        ),
    )


def _ref(obj, *, evidence_id=None) -> dict:
    return {
        "type": obj._meta.model_name,
        "id": obj.pk,
        "label": str(obj),
        "evidence_file": evidence_id,
    }


def _serials(items) -> str:
    return "、".join(f"SN {e.serial_number}" for e in items)


# --- offline training: HB §10 (一) ----------------------------------------------------------


def camera_shortfalls(camera: Equipment, rule) -> list[str]:
    """Why one camera does not meet the specification (empty: it qualifies)."""
    short = []
    if rule.internet_connected and not camera.internet_connected:
        short.append(_("not connected to the internet"))
    lines = camera.resolution_lines
    if lines is None or lines < rule.min_resolution_lines:
        short.append(
            _("%(found)sp < %(required)dp")
            % {"found": "?" if lines is None else lines, "required": rule.min_resolution_lines}
        )
    if rule.audio_capture and not camera.audio_capture:
        short.append(_("no audio capture"))
    degrees = camera.rotation_degrees
    if degrees is None or degrees < rule.min_rotation_degrees:
        short.append(
            _("rotates %(found)s° < %(required)d°")
            % {"found": "?" if degrees is None else degrees, "required": rule.min_rotation_degrees}
        )
    gb = camera.storage_gb
    if gb is None or gb < rule.min_storage_gb:
        short.append(
            _("%(found)s GB storage < %(required)d GB")
            % {"found": "?" if gb is None else gb, "required": rule.min_storage_gb}
        )
    return short


def _count_evidence(*, found: int, required: int, what: str, items) -> str:
    text = _("%(what)s: %(found)d of %(required)d required") % {
        "found": found,
        "what": what,
        "required": required,
    }
    return f"{text}: {_serials(items)}" if items else text


def check_cameras(register: Register, rules: Requirements) -> CheckLine:
    rule = rules.cameras
    cameras = register.of_kind(EquipmentKind.NETWORK_CAMERA)
    qualifying, rejected = [], []
    for camera in cameras:
        short = camera_shortfalls(camera, rule)
        if short:
            rejected.append(
                _("camera SN %(serial)s has %(why)s")
                % {"serial": camera.serial_number, "why": SEP.join(short)}
            )
        else:
            qualifying.append(camera)
    parts = [
        _count_evidence(
            found=len(qualifying),
            required=rule.min_count,
            what=_("qualifying cameras"),
            items=qualifying,
        )
    ]
    if not cameras:
        parts.append(_("no network camera is registered"))
    parts += rejected
    return CheckLine(
        code="offline.cameras",
        label=_(
            "At least %(n)d internet-connected HD network cameras: %(p)dp or better, audio and "
            "video capture, rotation of %(deg)d° or more, %(gb)d GB storage or more (%(cite)s)"
        )
        % {
            "n": rule.min_count,
            "p": rule.min_resolution_lines,
            "deg": rule.min_rotation_degrees,
            "gb": rule.min_storage_gb,
            "cite": rule.cite,
        },
        passed=len(qualifying) >= rule.min_count,
        evidence=SEP.join(parts),
        cite=rule.cite,
        refs=[_ref(c, evidence_id=c.evidence_id) for c in qualifying],
    )


def _check_count(
    register: Register, *, code: str, kind: str, rule, label: str, what: str
) -> CheckLine:
    items = register.of_kind(kind)
    return CheckLine(
        code=code,
        label=label,
        passed=len(items) >= rule.min_count,
        evidence=_count_evidence(found=len(items), required=rule.min_count, what=what, items=items),
        cite=rule.cite,
        refs=[_ref(e, evidence_id=e.evidence_id) for e in items],
    )


def check_recorders(register: Register, rules: Requirements) -> CheckLine:
    rule = rules.recorders
    return _check_count(
        register,
        code="offline.recorders",
        kind=EquipmentKind.HD_RECORDER,
        rule=rule,
        label=ngettext(
            "At least %(n)d HD video recorder (%(cite)s)",
            "At least %(n)d HD video recorders (%(cite)s)",
            rule.min_count,
        )
        % {"n": rule.min_count, "cite": rule.cite},
        what=_("HD recorders"),
    )


def check_projectors(register: Register, rules: Requirements) -> CheckLine:
    rule = rules.projectors
    return _check_count(
        register,
        code="offline.projectors",
        kind=EquipmentKind.PROJECTOR,
        rule=rule,
        label=ngettext(
            "At least %(n)d portable HD projector (%(cite)s)",
            "At least %(n)d portable HD projectors (%(cite)s)",
            rule.min_count,
        )
        % {"n": rule.min_count, "cite": rule.cite},
        what=_("portable HD projectors"),
    )


# --- online platform: HB §10 (二) -----------------------------------------------------------


def platform_function_labels() -> dict[str, str]:
    return {
        "online_learning": _("online learning"),
        "system_administration": _("system administration"),
        "government_supervision": _("government supervision"),
        "security_operations": _("security operations and maintenance"),
    }


def check_platform_functions(register: Register, rules: Requirements) -> CheckLine:
    rule = rules.platform_functions
    names = platform_function_labels()
    profile = register.profile
    present = [f for f in rule.required if profile is not None and getattr(profile, f"has_{f}")]
    missing = [f for f in rule.required if f not in present]
    if profile is None:
        evidence = _("no online platform facts are registered")
    elif missing:
        evidence = _("missing: %(missing)s") % {"missing": "、".join(names[f] for f in missing)}
    else:
        evidence = _("all present: %(present)s") % {"present": "、".join(names[f] for f in present)}
    return CheckLine(
        code="online.functions",
        label=_("Functions: %(functions)s (%(cite)s)")
        % {"functions": "、".join(names[f] for f in rule.required), "cite": rule.cite},
        passed=profile is not None and not missing,
        evidence=evidence,
        cite=rule.cite,
        refs=[_ref(profile)] if profile is not None else [],
    )


def check_province_contract(register: Register, rules: Requirements) -> CheckLine:
    rule = rules.province_contract
    profile = register.profile
    missing = []
    if profile is None or not profile.province_contract_number.strip():
        missing.append(_("contract number"))
    if profile is None or profile.province_contract_date is None:
        missing.append(_("signing date"))
    if rule.evidence_required and (
        profile is None or profile.province_contract_evidence_id is None
    ):
        missing.append(_("signed copy"))
    if missing:
        evidence = _("missing: %(missing)s") % {"missing": "、".join(missing)}
    else:
        evidence = _("contract No. %(number)s signed on %(date)s") % {
            "number": profile.province_contract_number,
            "date": profile.province_contract_date.isoformat(),
        }
    return CheckLine(
        code="online.province_contract",
        label=_("Contract with the province on file (%(cite)s)") % {"cite": rule.cite},
        passed=not rule.required or not missing,
        evidence=evidence,
        cite=rule.cite,
        refs=[_ref(profile, evidence_id=profile.province_contract_evidence_id)]
        if profile is not None
        else [],
    )


def check_integration(register: Register, rules: Requirements) -> CheckLine:
    rule = rules.integration
    profile = register.profile
    declared = profile is not None and profile.integrated
    clients = register.api_clients
    problems = []
    if not declared:
        problems.append(_("not integrated with the management platform"))
    if rule.api_client_required and not clients:
        problems.append(_("no active API client of the organisation"))
    if problems:
        evidence = SEP.join(problems)
    else:
        evidence = _("integrated; active API clients: %(clients)s") % {
            "clients": "、".join(c.name for c in clients) or "—"
        }
    return CheckLine(
        code="online.integration",
        label=_(
            "Integrated with the management platform: real-time upload of training data, "
            "supervisors pull data (%(cite)s)"
        )
        % {"cite": rule.cite},
        passed=not rule.required or not problems,
        evidence=evidence,
        cite=rule.cite,
        refs=[
            {"type": "apiclient", "id": c.pk, "label": c.name, "evidence_file": None}
            for c in clients
        ],
    )


# --- evaluation agency: HB §10 (三), §17 ----------------------------------------------------


def check_business_scope(register: Register, rules: Requirements, today) -> CheckLine:
    rule = rules.business_scope
    wanted = set(rule.any_of)
    covering, notes = [], []
    for licence in register.licences:
        categories = wanted & set(licence.scope_categories)
        if not licence.valid_on(today):
            notes.append(
                _("licence %(number)s is not in force on %(day)s")
                % {"number": licence.number, "day": today.isoformat()}
            )
        elif categories:
            covering.append((licence, categories))
        else:
            notes.append(
                _("licence %(number)s covers none of the categories") % {"number": licence.number}
            )
    if covering:
        parts = [
            _("licence %(number)s covers %(categories)s")
            % {
                "number": licence.number,
                "categories": "、".join(str(ScopeCategory(c).label) for c in sorted(categories)),
            }
            for licence, categories in covering
        ]
    elif not register.licences:
        parts = [_("no licence is registered")]
    else:
        parts = []
    return CheckLine(
        code="evaluation.business_scope",
        label=_("Business scope in %(categories)s (%(cite)s)")
        % {
            "categories": "、".join(str(ScopeCategory(c).label) for c in rule.any_of),
            "cite": rule.cite,
        },
        passed=bool(covering),
        evidence=SEP.join(parts + notes),
        cite=rule.cite,
        refs=[_ref(licence, evidence_id=licence.evidence_id) for licence, _c in covering],
    )


def check_geo_devices(register: Register, rules: Requirements) -> CheckLine:
    rule = rules.geo_devices
    devices = register.of_kind(EquipmentKind.GEO_CAPTURE)
    qualifying = [d for d in devices if d.records_time_place_coordinates]
    parts = [
        _count_evidence(
            found=len(qualifying),
            required=rule.min_count,
            what=_("geo-capture devices"),
            items=qualifying,
        )
    ]
    parts += [
        _("device SN %(serial)s does not record time, place, longitude and latitude")
        % {"serial": d.serial_number}
        for d in devices
        if not d.records_time_place_coordinates
    ]
    return CheckLine(
        code="evaluation.geo_devices",
        label=_(
            "At least %(n)d device(s) recording time, place, longitude and latitude on site "
            "(%(cite)s)"
        )
        % {"n": rule.min_count, "cite": rule.cite},
        passed=len(qualifying) >= rule.min_count,
        evidence=SEP.join(parts),
        cite=rule.cite,
        refs=[_ref(d, evidence_id=d.evidence_id) for d in qualifying],
    )


def implementation_conflicts(*, organisation, jurisdiction, year: int, project_type=None):
    """Projects of the same area (jurisdiction), year and — if given — type that the
    organisation implements (as implementing agency or online platform)."""
    participations = ProjectParticipant.objects.filter(
        organisation=organisation,
        role__in=IMPLEMENTATION_ROLES,
        project__jurisdiction=jurisdiction,
        project__year=year,
    ).select_related("project")
    if project_type:
        participations = participations.filter(project__project_type=project_type)
    return list(participations.order_by("project__code"))


def check_no_implementation(
    *, organisation, jurisdiction, year: int, project_type, rules: Requirements
) -> CheckLine:
    rule = rules.no_same_area_implementation
    conflicts = implementation_conflicts(
        organisation=organisation, jurisdiction=jurisdiction, year=year, project_type=project_type
    )
    type_label = str(ProjectType(project_type).label) if project_type else _("any type")
    where = _("%(area)s, %(year)d, %(type)s") % {
        "area": jurisdiction.name,
        "year": year,
        "type": type_label,
    }
    if conflicts:
        evidence = _("implements in %(where)s: %(projects)s") % {
            "where": where,
            "projects": "、".join(
                f"{p.project.code} {p.project.name}（{p.get_role_display()}）" for p in conflicts
            ),
        }
    else:
        evidence = _("no implementation role in %(where)s") % {"where": where}
    return CheckLine(
        code="evaluation.no_same_area_implementation",
        label=_(
            "Does not implement a project of the same type in the same area and year (%(cite)s)"
        )
        % {"cite": rule.cite},
        passed=not rule.required or not conflicts,
        evidence=evidence,
        cite=rule.cite,
        refs=[
            {
                "type": "project",
                "id": p.project_id,
                "label": str(p.project),
                "evidence_file": None,
            }
            for p in conflicts
        ],
    )


# --- the check ------------------------------------------------------------------------------


def register_lines(
    *, register: Register, agency_type: str, rules: Requirements, today
) -> list[CheckLine]:
    """The HB §10 lines, which depend on the register alone."""
    if agency_type == AgencyType.OFFLINE_TRAINING:
        return [
            check_cameras(register, rules),
            check_recorders(register, rules),
            check_projectors(register, rules),
        ]
    if agency_type == AgencyType.ONLINE_PLATFORM:
        return [
            check_platform_functions(register, rules),
            check_province_contract(register, rules),
            check_integration(register, rules),
        ]
    if agency_type == AgencyType.EVALUATION_AGENCY:
        return [check_business_scope(register, rules, today), check_geo_devices(register, rules)]
    raise ValueError(f"unknown agency type {agency_type!r}")


def qualification_check(
    *,
    organisation,
    agency_type: str,
    jurisdiction,
    year: int,
    project_type: str | None = None,
    rules: Requirements | None = None,
    today: datetime.date | None = None,
) -> QualificationReport:
    """Checks `organisation` as `agency_type` for a procurement of `jurisdiction` in `year`.

    `project_type` narrows HB §17 to projects of that type (training / promotion); without it
    any implementation in the same area and year counts as a conflict. Reads only.
    """
    if agency_type not in AgencyType.values:
        raise ValueError(f"unknown agency type {agency_type!r}")
    if project_type and project_type not in ProjectType.values:
        raise ValueError(f"unknown project type {project_type!r}")
    rules = rules or requirements()
    today = today or timezone.localdate()
    lines = register_lines(
        register=register_read(organisation), agency_type=agency_type, rules=rules, today=today
    )
    if agency_type == AgencyType.EVALUATION_AGENCY:
        lines.append(
            check_no_implementation(
                organisation=organisation,
                jurisdiction=jurisdiction,
                year=year,
                project_type=project_type or None,
                rules=rules,
            )
        )
    return QualificationReport(
        organisation=organisation,
        agency_type=agency_type,
        jurisdiction=jurisdiction,
        year=year,
        project_type=project_type or None,
        checked_on=today,
        rules_version=rules.version,
        lines=lines,
    )
