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
