from .models import ImportBatch


def batches_for(*, user):
    """The imports this user uploaded, newest first."""
    return (
        ImportBatch.objects.for_user(user).filter(uploaded_by=user).order_by("-uploaded_at", "-pk")
    )


def batch_get(*, user, pk: int) -> ImportBatch:
    return batches_for(user=user).get(pk=pk)
