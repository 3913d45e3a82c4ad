"""Views for tests/operations/test_reads_and_writes.py only (its ROOT_URLCONF)."""

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from apps.operations.models import Heartbeat


@csrf_exempt
def in_transaction(request):
    return JsonResponse({"atomic": connection.in_atomic_block})


@csrf_exempt
def write_then_fail(request):
    Heartbeat.objects.create(name="written-then-failed", beat_at=timezone.now())
    raise ValueError("after the write")


@csrf_exempt
def write_then_refuse_like_drf(request):
    Heartbeat.objects.create(name="written-then-refused", beat_at=timezone.now())
    response = HttpResponse(status=400)
    response.exception = True  # what DRF sets on an answer made from an exception
    return response


@csrf_exempt
def write_and_succeed(request):
    Heartbeat.objects.create(name="written", beat_at=timezone.now())
    return HttpResponse("ok")


@csrf_exempt
@transaction.non_atomic_requests
def not_atomic(request):
    return JsonResponse({"atomic": connection.in_atomic_block})


urlpatterns = [
    path("in-transaction", in_transaction),
    path("write-then-fail", write_then_fail),
    path("write-then-refuse", write_then_refuse_like_drf),
    path("write", write_and_succeed),
    path("not-atomic", not_atomic),
]
