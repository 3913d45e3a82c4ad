"""Background work of implementation (django-tasks): reading a promotion proof's file."""

from django_tasks import task

from apps.core.context import ActorContext, acting_as


@task()
def promotion_proof_read_task(*, proof_id: int) -> str:
    """Reads one uploaded promotion proof (`proofs.promotion_proof_read`); its status."""
    from .models import PromotionProof
    from .proofs import promotion_proof_read

    proof = (
        PromotionProof.objects.select_related("evidence__current_version__blob")
        .filter(pk=proof_id)
        .first()
    )
    if proof is None:
        return "gone"
    if proof.record.project.stage == "archived":  # read-only once archived (apps.archive)
        return "archived"
    with acting_as(ActorContext(username="media-probe", via="task")):
        return promotion_proof_read(proof=proof).media_status
