"""Per-client throttling of the online platforms' pushes (DRF scope `online_platform`, rate
`WIPP_ONLINE_THROTTLE_RATE`). Counted per API client (per key), else per user. The counters
live in Django's cache: with several application servers, configure a shared cache."""

from rest_framework.throttling import ScopedRateThrottle


class OnlinePlatformThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"

    def get_cache_key(self, request, view):
        client = getattr(request, "auth", None)
        client_pk = getattr(client, "pk", None)
        if client_pk is not None and client.__class__.__name__ == "ApiClient":
            ident = f"client-{client_pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_rate(self):
        from django.conf import settings

        # Read at each request (DRF's own lookup is frozen at import): tests and deployments
        # change it through the setting.
        return settings.WIPP_ONLINE_THROTTLE_RATE
