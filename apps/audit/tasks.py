"""Background work of the audit log (django-tasks): the sequencer and the verification."""

from django_tasks import task

from apps.core.context import ActorContext, acting_as


@task()
def audit_chain_task(*, batch: int | None = None) -> dict[str, int | None]:
    """Links the committed, unchained entries into the chain and writes a checkpoint."""
    from .sequencer import audit_chain_pending

    with acting_as(ActorContext(username="audit-sequencer", via="task")):
        run = audit_chain_pending(batch=batch)
    return {"chained": run.chained, "last_seq": run.last_seq, "checkpoint": run.checkpoint}


@task()
def audit_verify_task(*, verification_id: int, full: bool = False) -> str:
    """Verifies the chain against the checkpoints; the verdict is stored on the record."""
    from .verification import audit_verification_run

    with acting_as(ActorContext(username="audit-verification", via="task")):
        record = audit_verification_run(verification_id=verification_id, full=full)
    return record.result
