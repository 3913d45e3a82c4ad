"""Login lockout with one limit per parameter set (ASVS 6.3.1, 等保 8.1.4.1 b).

django-axes compares the largest failure count of all its parameter sets with one limit. WIPP
locks (username, address) after WIPP_LOGIN_FAILURE_LIMIT failures and an address after
WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS failures on any accounts: a user's typos never lock the
bureau that shares its NAT address, and an address cannot spray every account.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _address_only(parameters) -> bool:
    return parameters in ("ip_address", ["ip_address"])


def _limits(parameter_sets) -> list[int]:
    """The limit of each parameter set: the address-only set has the per-address limit."""
    return [
        settings.WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS
        if _address_only(parameters)
        else settings.AXES_FAILURE_LIMIT
        for parameters in parameter_sets
    ]


class WippAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Failures scaled so that axes' single comparison with AXES_FAILURE_LIMIT applies
        each set's own limit: a set at n of its limit L reports floor(n * base / L), which
        reaches base exactly when n reaches L."""
        base = settings.AXES_FAILURE_LIMIT
        attempts_list = self.get_user_attempts(request, credentials)
        limits = _limits(get_lockout_parameters(request, credentials))
        worst = 0
        for attempts, limit in zip(attempts_list, limits, strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, failures * base // max(limit, 1))
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears the failures of that account from that address only —
        not the address's count: otherwise a sprayer holding one valid account would wipe
        its address's tally with each login of it."""
        attempts_list = self.filter_user_attempts(request, credentials)
        parameter_sets = get_lockout_parameters(request, credentials)
        count = 0
        for attempts, parameters in zip(attempts_list, parameter_sets, strict=True):
            if _address_only(parameters):
                continue
            deleted, _detail = attempts.delete()
            count += deleted
        return count
