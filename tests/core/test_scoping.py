import pytest

from apps.core.scoping import UnscopedQueryError
from apps.projects.models import Project
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_unscoped_queryset_refuses_to_run():
    ProjectFactory()
    for run in (
        lambda: list(Project.objects.all()),
        lambda: Project.objects.count(),
        lambda: Project.objects.filter(year=2027).exists(),
        lambda: Project.objects.first(),
        lambda: Project.objects.get(code="x"),
    ):
        with pytest.raises(UnscopedQueryError):
            run()


def test_scope_survives_chaining():
    project = ProjectFactory()
    office = UserFactory(role="office", organisation__jurisdiction=project.jurisdiction)
    qs = Project.objects.for_user(office).filter(year=2027).order_by("code")
    assert list(qs) == [project]


def test_user_without_organisation_sees_nothing():
    ProjectFactory()
    user = UserFactory(role="office", organisation=None)
    assert Project.objects.for_user(user).count() == 0


def test_inactive_organisation_sees_nothing():
    project = ProjectFactory()
    office = UserFactory(role="office", organisation__jurisdiction=project.jurisdiction)
    office.organisation.is_active = False
    office.organisation.save()
    office.refresh_from_db()
    assert Project.objects.for_user(office).count() == 0


def test_superuser_sees_everything():
    ProjectFactory()
    ProjectFactory()
    root = UserFactory(is_superuser=True, role="", organisation=None)
    assert Project.objects.for_user(root).count() == 2
