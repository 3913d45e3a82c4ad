"""HB §17 for lots: an evaluation agency may not at the same time carry out a project of the
same type in the same area — a lot is checked for its projects' type, not for any type."""

import pytest

from apps.procurement.models import ProcurementLot
from apps.procurement.services import lot_project_type
from tests.factories import CityFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _lot(*types):
    city = CityFactory()
    lot = ProcurementLot.unscoped.create(
        jurisdiction=city,
        year=2027,
        name="评估标段",
        basis="project_type",
        created_by=UserFactory(role="office", organisation__jurisdiction=city),
    )
    lot.projects.set([ProjectFactory(jurisdiction=city, project_type=t) for t in types])
    return lot


def test_a_lot_of_training_projects_is_checked_for_training():
    assert lot_project_type(_lot("training", "training")) == "training"


def test_a_lot_of_both_types_is_checked_for_either():
    assert lot_project_type(_lot("training", "promotion")) is None


def test_a_project_procurement_has_no_lot_type():
    assert lot_project_type(None) is None
