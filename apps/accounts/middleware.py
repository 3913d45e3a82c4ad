from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/public/")


class SecondFactorRequiredMiddleware:
    """Users who must use TOTP reach nothing but the second-factor pages until they pass it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not request.path.startswith("/api/")
            and needs_second_factor(user)
            and not user.is_verified()
        ):
            return redirect(reverse("accounts:otp_verify") + f"?next={request.path}")
        return self.get_response(request)


def needs_second_factor(user) -> bool:
    from django.conf import settings

    return user.second_factor_required or user.role in settings.SECOND_FACTOR_REQUIRED_ROLES
