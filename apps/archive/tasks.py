"""Background work of the archive: the zip of a project's whole record (minutes for a project
with hundreds of documents) is built by the task worker, not inside the office's request."""

from django_tasks import task


@task()
def archive_bundle_task(*, bundle_id: int) -> str:
    from .services import archive_bundle_build

    bundle = archive_bundle_build(bundle_id=bundle_id)
    return bundle.status if bundle is not None else "not waiting"
