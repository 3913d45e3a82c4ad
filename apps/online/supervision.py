"""The online platform's supervision parameters (HB §12 (二): the platform configures them as
the supervision requirements set): how often it captures the learner's face during study,
whether fast-forwarding is blocked, and after how many idle seconds time stops counting.

They are data per project. The set-up of the agency and its platform (issue 14 item 1) keeps
them in `apps.implementation`; until that app is installed, or for a project without its own
parameters, the installation's defaults apply (`WIPP_ONLINE_CAPTURE_INTERVAL_SECONDS`,
`WIPP_ONLINE_FAST_FORWARD_BLOCKED`, `WIPP_ONLINE_IDLE_CUTOFF_SECONDS`).

Contract with `apps.implementation`: a function `apps.implementation.selectors.
supervision_parameters(*, project)` returning None (none configured) or an object with the
attributes `capture_interval_seconds`, `fast_forward_blocked` and `idle_cutoff_seconds`
(any of them may be None: the default fills it in).
"""

import math
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

SOURCE_FUNCTION = "apps.implementation.selectors.supervision_parameters"


@dataclass(frozen=True)
class SupervisionParameters:
    capture_interval_seconds: int
    fast_forward_blocked: bool
    idle_cutoff_seconds: int
    source: str

    def captures_required(self, seconds_watched: int) -> int:
        """One capture for every started capture interval of study."""
        if seconds_watched <= 0:
            return 0
        return math.ceil(seconds_watched / self.capture_interval_seconds)

    def counted_seconds(
        self,
        *,
        seconds_watched: int,
        wall_seconds: int,
        captures: int,
        fast_forwarded: bool,
        idle_seconds: int,
    ) -> tuple[int, tuple[str, ...]]:
        """The seconds of one learning record that count, and why the rest does not.

        Nothing counts without the configured captures, nor when the learner fast-forwarded
        where fast-forwarding is blocked (the record cannot be trusted as a whole). Otherwise
        the seconds watched, at most the record's start-to-end time, minus the idle time beyond
        the cut-off (idle spells up to the cut-off are reading or thinking and count)."""
        reasons = []
        if captures < self.captures_required(seconds_watched):
            reasons.append("captures_missing")
        if fast_forwarded and self.fast_forward_blocked:
            reasons.append("fast_forwarded")
        if reasons:
            return 0, tuple(reasons)
        counted = min(seconds_watched, max(wall_seconds, 0))
        if counted < seconds_watched:
            reasons.append("longer_than_wall_time")
        idle_beyond = max(0, idle_seconds - self.idle_cutoff_seconds)
        if idle_beyond:
            reasons.append("idle")
            counted = max(0, counted - idle_beyond)
        return counted, tuple(reasons)


def defaults() -> SupervisionParameters:
    return SupervisionParameters(
        capture_interval_seconds=settings.WIPP_ONLINE_CAPTURE_INTERVAL_SECONDS,
        fast_forward_blocked=settings.WIPP_ONLINE_FAST_FORWARD_BLOCKED,
        idle_cutoff_seconds=settings.WIPP_ONLINE_IDLE_CUTOFF_SECONDS,
        source="settings",
    )


def supervision_parameters(*, project) -> SupervisionParameters:
    base = defaults()
    if not apps.is_installed("apps.implementation"):
        return base
    try:
        lookup = import_string(SOURCE_FUNCTION)
    except ImportError:
        return base
    configured = lookup(project=project)
    if configured is None:
        return base

    def pick(name):
        value = getattr(configured, name, None)
        return getattr(base, name) if value is None else value

    interval = int(pick("capture_interval_seconds"))
    return SupervisionParameters(
        capture_interval_seconds=max(1, interval),
        fast_forward_blocked=bool(pick("fast_forward_blocked")),
        idle_cutoff_seconds=max(0, int(pick("idle_cutoff_seconds"))),
        source="apps.implementation",
    )
