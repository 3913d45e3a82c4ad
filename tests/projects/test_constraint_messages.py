"""Projects' constraints in plain words (issue 13 item 10): naming a participant without the
person is refused by the service with the role's name (not its stored value); the model's
checks say what is wrong, not the constraint's name."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.projects.models import ParticipantRole, Project, ProjectParticipant
from apps.projects.services import project_participant_add
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_expert_without_the_person_is_refused_with_the_roles_name():
    project = ProjectFactory()
    office = UserFactory(role="office", organisation__jurisdiction=project.jurisdiction)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        project_participant_add(user=office, project=project, role=ParticipantRole.EXPERT)
    with translation.override("en"):
        label = str(ParticipantRole.EXPERT.label)
    (message,) = error.value.message_dict["person"]
    assert message == f"Name a person with the role “{label}”."
    assert "“expert”" not in message  # the stored value is not shown
    assert not ProjectParticipant.objects.filter(project=project).exists()


def test_the_models_checks_name_what_is_wrong():
    project = Project.unscoped.get(pk=ProjectFactory().pk)
    project.budget_amount = -1
    nobody = ProjectParticipant(project=project, role=ParticipantRole.EXPERT)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            project.validate_constraints()
        assert error.value.messages == ["The project budget cannot be negative."]
        with pytest.raises(ValidationError) as error:
            nobody.validate_constraints()
        assert error.value.messages == ["Name the organisation or the person who takes part."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        nobody.validate_constraints()
    assert "约束" not in error.value.messages[0]
