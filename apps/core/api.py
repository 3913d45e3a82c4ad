"""Shared API pieces: viewsets whose querysets always start from the user's scope."""

from rest_framework import viewsets


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of a region-scoped model; out-of-scope objects answer 404."""

    def base_queryset(self):
        return self.queryset.model.objects.for_user(self.request.user)

    def get_queryset(self):
        return self.base_queryset()
