"""The site's URLs plus plain Django views under /api/ (no DRF), for the problem-details
tests: a GET-only view (405), a view that raises (500), a write view with Django's CSRF
check, and a sign-in view (django-axes lockout)."""

from django.contrib.auth import authenticate
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from wipp.urls import urlpatterns as site


@require_GET
def plain(request):
    return HttpResponse("ok")


def boom(request):
    raise RuntimeError("boom")


@require_POST
def write(request):
    return HttpResponse("written")


@require_POST
def sign_in(request):
    user = authenticate(
        request, username=request.POST.get("username"), password=request.POST.get("password")
    )
    return HttpResponse("yes" if user else "no", status=200 if user else 400)


urlpatterns = [
    path("api/plain/", plain),
    path("api/boom/", boom),
    path("api/write/", write),
    path("api/sign-in/", sign_in),
    *site,
]
