"""Reads of the archive: the project (scoped, fail-closed, for the readers of acceptance), who
may archive (the stage table's row) and who may download the record (the office of the
project's own level)."""

from apps.acceptance.selectors import project_get
from apps.accounts.roles import Role
from apps.core.levels import Level, actor_may
from apps.core.workflow import action_names
from apps.projects.lifecycle import PROJECT_LIFECYCLE
from apps.projects.models import ProjectStage

__all__ = ["may_archive", "may_download", "project_get"]


def may_archive(*, user, project) -> bool:
    return "archive" in action_names(table=PROJECT_LIFECYCLE, instance=project, user=user)


def may_download(*, user, project) -> bool:
    return project.stage == ProjectStage.ARCHIVED and actor_may(
        user, roles={Role.OFFICE}, level=Level.OWN, subject=project
    )
