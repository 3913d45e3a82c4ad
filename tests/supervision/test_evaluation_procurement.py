"""HB §17 as built in apps/procurement: the office procures the evaluation agency of a lot; the
award is refused to an agency that implements a project of the same type in the same area (and
year), and allowed for another type or another area; the winner becomes each covered project's
evaluation agency (the participant supervision acts through)."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.roles import OrganisationKind, Role
from apps.procurement import services
from apps.procurement.models import ProcurementLot
from apps.projects.models import ParticipantRole, ProjectParticipant
from apps.qualifications.models import Licence
from apps.supervision.services import evaluation_agency_of
from tests.factories import OrganisationFactory, ParticipantFactory, ProjectFactory, UserFactory
from tests.procurement.world import NOTICE, PUBLISHED, build_world, pdf

pytestmark = pytest.mark.django_db


def _qualified_evaluator(city):
    from apps.qualifications.models import Equipment, EquipmentKind

    agency = OrganisationFactory(kind=OrganisationKind.EVALUATION_AGENCY, jurisdiction=city)
    Licence.unscoped.create(
        organisation=agency,
        kind="business_licence",
        number="EVAL-1",
        business_scope="评估咨询",
        scope_categories=["evaluation"],
        valid_from="2020-01-01",
    )
    for n in range(3):
        Equipment.unscoped.create(
            organisation=agency,
            kind=EquipmentKind.GEO_CAPTURE,
            device_model="水印相机",
            serial_number=f"GEO{n}",
            records_time_place_coordinates=True,
        )
    return agency


def _lot_procurement(w, project_type="training"):
    office = w.office
    projects = [
        ProjectFactory(jurisdiction=w.city, year=2027, project_type=project_type, stage="arranged")
        for _ in range(2)
    ]
    lot = ProcurementLot.unscoped.create(
        jurisdiction=w.city,
        year=2027,
        name="培训类评估标段",
        basis="project_type",
        created_by=office,
    )
    lot.projects.set(projects)
    procurement = services.procurement_create(
        user=office,
        lot=lot,
        title="2027年度培训项目第三方评估",
        method="public_tender",
        category="evaluation",
        budget_amount="200000.00",
    )
    services.requirement_add(
        user=office,
        procurement=procurement,
        name="第三方监督评估",
        quantity="2",
        unit="项",
        acceptance_criterion="出具监督评估报告和评估验收报告",
    )
    services.procurement_document_add(
        user=office, procurement=procurement, kind="tender_documents", uploaded_file=pdf()
    )
    services.procurement_publish(user=office, procurement=procurement, published_on=PUBLISHED)
    procurement.refresh_from_db()
    return procurement, projects


def _award(w, procurement, agency):
    return services.procurement_award(
        user=w.office,
        procurement=procurement,
        winner=agency,
        amount="180000.00",
        notice_date=NOTICE,
        notice_file=pdf(),
    )


def test_the_winner_becomes_each_projects_evaluation_agency():
    a, _b = build_world()
    agency = _qualified_evaluator(a.city)
    procurement, projects = _lot_procurement(a)
    _award(a, procurement, agency)
    for project in projects:
        assert evaluation_agency_of(project) == agency
        assert ProjectParticipant.objects.filter(
            project=project, role=ParticipantRole.EVALUATION_AGENCY, organisation=agency
        ).exists()


def test_implementing_the_same_type_in_the_same_area_blocks_the_award():
    a, _b = build_world()
    agency = _qualified_evaluator(a.city)
    implemented = ProjectFactory(jurisdiction=a.city, year=2027, project_type="training")
    ParticipantFactory(project=implemented, role=ParticipantRole.IMPLEMENTER, organisation=agency)
    procurement, projects = _lot_procurement(a)
    with pytest.raises(ValidationError) as error:
        _award(a, procurement, agency)
    assert "winner" in error.value.message_dict
    assert evaluation_agency_of(projects[0]) is None


@pytest.mark.parametrize("other", ["type", "area"])
def test_another_type_or_another_area_is_no_conflict(other):
    a, b = build_world()
    agency = _qualified_evaluator(a.city)
    implemented = ProjectFactory(
        jurisdiction=b.city if other == "area" else a.city,
        year=2027,
        project_type="promotion" if other == "type" else "training",
    )
    ParticipantFactory(project=implemented, role=ParticipantRole.IMPLEMENTER, organisation=agency)
    procurement, projects = _lot_procurement(a)
    _award(a, procurement, agency)
    assert evaluation_agency_of(projects[0]) == agency


def test_evaluators_need_the_commitment_letter_before_they_see_anything():
    from apps.accounts.selectors import missing_documents_for

    evaluator = UserFactory(role=Role.EVALUATOR)
    assert "evaluator_commitment" in missing_documents_for(evaluator)
