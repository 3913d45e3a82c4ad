from django.db.models import Count, Q

from .models import AnnualCall, CallStatus


def call_list(*, user):
    return (
        AnnualCall.objects.for_user(user)
        .select_related("jurisdiction")
        .annotate(submitted_count=Count("applications", filter=~Q(applications__status="draft")))
    )


def call_get(*, user, pk: int) -> AnnualCall:
    return call_list(user=user).get(pk=pk)


def public_calls():
    """Published and closed calls are public (HB §4): no login, no scope."""
    return (
        AnnualCall.unscoped.exclude(status=CallStatus.DRAFT)
        .select_related("jurisdiction")
        .prefetch_related("key_industries")
        .order_by("-published_at")
    )
