import datetime
import hashlib
import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from apps.accounts.models import ApiClient
from apps.core.context import actor_for_user, bind_actor
from apps.core.middleware import client_ip

KEYWORD = "Api-Key"
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


def hash_api_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiClientKeyAuthentication(authentication.BaseAuthentication):
    """Per-client credentials for machine clients: `Authorization: Api-Key <prefix>.<secret>`."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header.startswith(KEYWORD + " "):
            return None
        prefix, _sep, secret = header[len(KEYWORD) + 1 :].strip().partition(".")
        client = (
            ApiClient.objects.select_related("service_user__organisation__jurisdiction")
            .filter(key_prefix=prefix, is_active=True)
            .first()
        )
        if client is None or not hmac.compare_digest(client.key_hash, hash_api_secret(secret)):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        user = client.service_user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("The API client's account is deactivated."))
        now = timezone.now()
        # Stamped at most once a minute: a read should not write on every request.
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        bind_actor(actor_for_user(user, ip_address=client_ip(request._request), via="api"))
        return user, client

    def authenticate_header(self, request):
        return KEYWORD


class ApiClientKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.api.authentication.ApiClientKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization"}
