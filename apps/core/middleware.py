import contextlib
import functools
import ipaddress
import re
import time
import uuid

from django.conf import settings
from django.db import transaction

from .context import acting_as, actor_for_user

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
REQUEST_ID_PATTERN = re.compile(r"^[0-9A-Za-z-]{8,64}$")


@functools.cache
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def from_trusted_proxy(request) -> bool:
    """Did the request come straight from a proxy listed in WIPP_TRUSTED_PROXIES?"""
    networks = _networks(tuple(settings.WIPP_TRUSTED_PROXIES))
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    return remote is not None and any(remote in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address for the audit log and the lockout counters. Behind proxies listed
    in WIPP_TRUSTED_PROXIES it is the right-most X-Forwarded-For address that is not itself a
    trusted proxy (the left-most entries are whatever the client chose to send); from anyone
    else the header is ignored and the connection's address counts."""
    remote = request.META.get("REMOTE_ADDR")
    if not from_trusted_proxy(request):
        return remote
    networks = _networks(tuple(settings.WIPP_TRUSTED_PROXIES))
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote
        if not any(address in network for network in networks):
            return str(address)
    return str(_address(hops[0])) if hops else remote


def request_id_for(request) -> str:
    """The proxy's request id (nginx `$request_id` in X-Request-ID) when the request came
    through a trusted proxy, so the proxy's and WIPP's logs meet; a new one otherwise."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if incoming and REQUEST_ID_PATTERN.match(incoming) and from_trusted_proxy(request):
        return incoming
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Binds the acting user, the client's address and the request id to the request for the
    audit and access logs and the log records (apps.operations.request_log); the answer carries
    the id in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        request_id = request_id_for(request)
        actor = actor_for_user(
            request.user, ip_address=client_ip(request), via=via, request_id=request_id
        )
        with acting_as(actor):
            response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class SessionRenewMiddleware:
    """Renews the session's idle timeout at most every WIPP_SESSION_RENEW_SECONDS instead of on
    every request (SESSION_SAVE_EVERY_REQUEST), so that reading a page does not write the
    session row: on SQLite that write waits for the database's one writer. The idle timeout is
    then kept to within that many seconds."""

    KEY = "_wipp_renewed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            last = session.get(self.KEY, 0)
            if not isinstance(last, int) or now - last >= settings.WIPP_SESSION_RENEW_SECONDS:
                session[self.KEY] = now
        return response


class AtomicWriteRequestsMiddleware:
    """ATOMIC_REQUESTS for the requests that may write (POST, PUT, PATCH, DELETE): the view
    runs in one transaction, rolled back when it raises, answers 5xx, or when DRF turned an
    exception into its answer (`response.exception`). GET, HEAD and OPTIONS run in none, so
    that on SQLite (transaction_mode IMMEDIATE) reading a page never queues for the write lock;
    a write a read view makes (a download's audit entry) takes its own transaction in its
    service. A view marked `transaction.non_atomic_requests` is left alone. Last in
    MIDDLEWARE: it runs the view itself, inside the transaction, as ATOMIC_REQUESTS does — an
    exception leaves the block (rolled back) before Django renders the error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        skip = getattr(view_func, "_non_atomic_requests", set())
        aliases = [alias for alias in settings.DATABASES if alias not in skip]
        if not aliases:
            return None
        with contextlib.ExitStack() as blocks:
            for alias in aliases:
                blocks.enter_context(transaction.atomic(using=alias))
            response = view_func(request, *view_args, **view_kwargs)
            if response is None:
                raise ValueError(
                    f"The view {view_func.__module__}.{view_func.__qualname__} didn't return "
                    "an HttpResponse object. It returned None instead."
                )
            if getattr(response, "exception", False) or response.status_code >= 500:
                for alias in aliases:
                    transaction.set_rollback(True, using=alias)
        return response


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
