"""`{% roster_import_state roster_import %}`: on a roster's preview, how far its import got
(the progress partial, apps.core.progress) and, for one stopped midway, the file row after
which confirming again goes on."""

from django import template
from django.urls import reverse

from apps.core.progress import batch_progress_of, progress_context
from apps.training import services

register = template.Library()


@register.inclusion_tag("training/roster_import_state.html")
def roster_import_state(roster_import) -> dict:
    run = services.roster_import_progress(roster_import)
    if run is None:
        return {}
    return {
        "import_progress": progress_context(
            batch_progress_of(run), url=reverse("progress:batch", args=[run.pk])
        ),
        "resumed_after": services.roster_import_resume_after(roster_import),
    }
