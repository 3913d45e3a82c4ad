"""Reads of online training data: the counted online time per trainee, which apps.training's
completion adds to the syllabus' online hours."""

from django.db.models import Sum

from .models import LearningRecord


def online_seconds_by_trainee(trainee_ids) -> dict[int, int]:
    """{trainee id: counted seconds of online study} (records fast-forwarded, without the
    configured captures or idle beyond the cut-off count as computed at ingest)."""
    return dict(
        LearningRecord.unscoped.filter(trainee_id__in=list(trainee_ids))
        .values("trainee_id")
        .annotate(seconds=Sum("counted_seconds"))
        .values_list("trainee_id", "seconds")
    )
