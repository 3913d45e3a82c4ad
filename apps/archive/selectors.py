"""Reads of the archive: the project (scoped, fail-closed, for the readers of acceptance), who
may archive (the stage table's row), who may build and download the record's zip (the office of
the project's own level, once archived), the project's current zip and whether it is stale."""

from apps.acceptance.selectors import project_get
from apps.accounts.roles import Role
from apps.core.levels import Level, actor_may
from apps.core.workflow import action_names
from apps.projects.lifecycle import PROJECT_LIFECYCLE
from apps.projects.models import ProjectStage

__all__ = [
    "bundle_current",
    "bundle_is_stale",
    "may_archive",
    "may_download",
    "may_request_bundle",
    "project_get",
]

#: audit actions that read the record without changing it (a download of the zip among them):
#: they do not make a zip stale
READ_ACTIONS = ("download", "export", "pii_access", "access_refused", "api_key_refused")


def may_archive(*, user, project) -> bool:
    return "archive" in action_names(table=PROJECT_LIFECYCLE, instance=project, user=user)


def may_request_bundle(*, user, project) -> bool:
    """The office of the project's own level (HB §23: the record is kept by the office)."""
    return actor_may(user, roles={Role.OFFICE}, level=Level.OWN, subject=project)


def may_download(*, user, project) -> bool:
    return project.stage == ProjectStage.ARCHIVED and may_request_bundle(user=user, project=project)


def bundle_current(project):
    """The project's newest build (queued, running, ready or failed), or None."""
    from .models import ArchiveBundle

    return ArchiveBundle.unscoped.filter(project_id=project.pk).order_by("-pk").first()


def bundle_is_stale(bundle) -> bool:
    """A ready zip is stale when the project has an audit entry, other than a read, newer than
    the last one its audit trail holds: the record changed after it was built."""
    from .bundle import audit_entries
    from .models import BundleStatus

    if bundle is None or bundle.status != BundleStatus.DONE:
        return False
    return (
        audit_entries(bundle.project)
        .filter(id__gt=bundle.audit_last_id)
        .exclude(action__in=READ_ACTIONS)
        .exists()
    )
