"""Two cities of one province, each with a project, its participants and evidence.

Used by the permission-matrix tests: every role gets a user in city A, bound the way that role
is bound in real life (government by region, external by taking part in project A).
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile

from apps.accounts.models import ComplianceDocument
from apps.accounts.roles import EXTERNAL_ROLES, Role
from apps.audit.services import audit_record
from apps.projects.models import ParticipantRole
from tests.factories import (
    ROLE_DEFAULT_KIND,
    CityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    ProvinceFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

PARTICIPANT_ROLE = {
    Role.APPLICANT: ParticipantRole.APPLICANT,
    Role.IMPLEMENTER: ParticipantRole.IMPLEMENTER,
    Role.ONLINE_PLATFORM: ParticipantRole.ONLINE_PLATFORM,
    Role.EVALUATOR: ParticipantRole.EVALUATION_AGENCY,
    Role.EXPERT: ParticipantRole.EXPERT,
    Role.AUDITOR: ParticipantRole.AUDITOR,
}
PERSONAL_PARTICIPANTS = {Role.EXPERT, Role.AUDITOR}


@dataclass
class CityWorld:
    city: object
    project: object
    evidence: object
    organisation: object


def _evidence_for(project, uploader):
    from apps.evidence.services import evidence_upload

    version = evidence_upload(
        uploaded_by=uploader,
        uploaded_file=ContentFile(PDF + project.code.encode(), name="plan.pdf"),
        purpose="general",
        title=f"实施方案 {project.code}",
        jurisdiction=project.jurisdiction,
        project=project,
    )
    return version.evidence_file


def build_city(province, code) -> CityWorld:
    city = CityFactory(parent=province, code=code, name=f"市{code}")
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    project = ProjectFactory(jurisdiction=city)
    evidence = _evidence_for(project, office)
    audit_record(
        action="update",
        object_type="test.Marker",
        jurisdiction_path=city.path,
        project_id=project.pk,
        object_repr=f"marker {code}",
    )
    return CityWorld(city, project, evidence, office.organisation)


def clear_documents(user):
    """Puts on file every document HB §12, §18, §25 ask of the user's organisation."""
    kinds = ["confidentiality", "implementer_account"]
    for kind in kinds:
        ComplianceDocument.unscoped.create(
            organisation=user.organisation, kind=kind, status="approved"
        )
    for kind in ("evaluator_account", "evaluator_commitment"):
        ComplianceDocument.unscoped.create(
            organisation=user.organisation, person=user, kind=kind, status="approved"
        )


def user_for(role, world: CityWorld, *, cleared=True):
    """A user of `role` bound to city A: by region or by taking part in its project."""
    if role not in EXTERNAL_ROLES:
        return UserFactory(role=role, organisation__jurisdiction=world.city)
    organisation = (
        world.project.applicant
        if role == Role.APPLICANT
        else OrganisationFactory(kind=ROLE_DEFAULT_KIND[role], jurisdiction=world.city)
    )
    user = UserFactory(role=role, organisation=organisation)
    if role in PERSONAL_PARTICIPANTS:
        ParticipantFactory(
            project=world.project, role=PARTICIPANT_ROLE[role], organisation=None, person=user
        )
    elif role != Role.APPLICANT:
        ParticipantFactory(
            project=world.project, role=PARTICIPANT_ROLE[role], organisation=organisation
        )
    if cleared:
        clear_documents(user)
    return user


def build_world():
    province = ProvinceFactory()
    return province, build_city(province, "139901"), build_city(province, "139902")
