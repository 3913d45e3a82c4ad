"""Throttling per API client: each key (`Authorization: Api-Key …`) has its own budget of
requests (`WIPP_API_THROTTLE_RATE`, default 1200/min, DRF scope `api_client`), anonymous
callers one per address.
Signed-in people (the session API behind the pages) are not throttled here: their accounts
are limited by login lockout, and a page may make many calls at once. The counters live in
Django's cache: with several application servers, configure a shared cache."""

from rest_framework.throttling import SimpleRateThrottle


def client_of(request):
    auth = getattr(request, "auth", None)
    return auth if auth is not None and hasattr(auth, "key_prefix") else None


class ApiClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_cache_key(self, request, view):
        client = client_of(request)
        if client is not None:
            ident = f"client-{client.pk}"
        elif request.user and request.user.is_authenticated:
            return None
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_rate(self):
        from django.conf import settings

        # Read at each request (DRF's own lookup is frozen at import): tests and deployments
        # change it through the setting.
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES") or {}
        return rates.get(self.scope) or "1200/min"
