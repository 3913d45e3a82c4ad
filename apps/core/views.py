from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """200 with the checks as JSON when all pass, 503 with the same JSON when one fails."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
