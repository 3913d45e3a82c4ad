"""The last line of read-only after archive: any save or delete of a row that belongs to an
archived project is refused, whichever service or page attempts it (adding a camera, a funds
entry, a roster row…), not only the workflow steps and file uploads that check first
(`apps.archive.guard`). Bulk paths (`bulk_create`, `QuerySet.update`) send no signals; they
belong to ingest and sweeps that select live projects. A model that is bookkeeping about the
record rather than part of it (`archive_bookkeeping = True`: the zip builds of
`apps.archive.models.ArchiveBundle`) is let through."""

from django.db.models.signals import pre_delete, pre_save

from apps.core.ownership import Owned

from .guard import archived_project_refuse, instance_project_id


def _refuse_if_archived(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures and restores load rows as they were
    if isinstance(instance, Owned) and not getattr(sender, "archive_bookkeeping", False):
        archived_project_refuse(instance_project_id(instance))


def connect() -> None:
    pre_save.connect(_refuse_if_archived, dispatch_uid="archive-read-only-save")
    pre_delete.connect(_refuse_if_archived, dispatch_uid="archive-read-only-delete")
