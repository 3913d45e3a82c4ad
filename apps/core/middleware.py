from django.conf import settings

from .context import acting_as, actor_for_user


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Binds the acting user to the request for the audit and access logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        with acting_as(actor_for_user(request.user, ip_address=client_ip(request), via=via)):
            return self.get_response(request)


# Scripts only from our own files, never inline (OWASP ASVS 5.0 3.4.3; GB/T 22239-2019
# 8.1.4.4 c). Styles likewise: the templates carry no style attributes (utility classes in
# static/wipp/wipp.css). data: images are what Bootstrap's CSS uses for its small icons.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The vendored API documentation pages (Swagger UI, Redoc) inject <style> elements at run time;
# only there are inline *styles* allowed. Their scripts stay file-only.
RELAXED_STYLE_PATHS = ("/api/docs/", "/api/redoc/")


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every answer, and `Cache-Control: no-store` on every answer
    to a signed-in user or an API client (ASVS 5.0 14.3.2, PIPL art. 51): those pages carry
    personal data — unmasked ID numbers and mobiles on the edit forms, user administration,
    faces — and business data that no browser or proxy cache should keep. A view that sets
    its own Cache-Control (downloads: "private, no-store") keeps it; public pages stay
    cacheable. `settings.CONTENT_SECURITY_POLICY` replaces the policy if set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or CONTENT_SECURITY_POLICY
        if request.path.startswith(RELAXED_STYLE_PATHS):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or request.path.startswith("/api/")) and not response.has_header(
            "Cache-Control"
        ):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
