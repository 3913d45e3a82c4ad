"""Shared API pieces: viewsets whose querysets always start from the user's scope."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django_filters import rest_framework as filters
from rest_framework import viewsets

# The largest id a 64-bit integer column holds: SQLite raises OverflowError beyond it.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    default_validators = [MinValueValidator(1), MaxValueValidator(MAX_ID)]


class IdFilter(filters.NumberFilter):
    """A filter on a row id: a whole number inside the database's range, else a 400."""

    field_class = IdField


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of a region-scoped model; out-of-scope objects answer 404."""

    def base_queryset(self):
        return self.queryset.model.objects.for_user(self.request.user)

    def get_queryset(self):
        return self.base_queryset()


def wipp_exception_handler(exc, context):
    """Service-layer errors become API errors: a Django ValidationError is a 400 with the same
    messages, a missing (or out-of-scope) object is a 404."""
    from django.core.exceptions import ObjectDoesNotExist
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework import exceptions
    from rest_framework.views import exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    return exception_handler(exc, context)
