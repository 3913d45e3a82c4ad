from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.applications import services
from apps.applications.models import Application, TeamMember
from apps.calls.models import AnnualCall
from apps.core.api import WorkflowActionsMixin

from .serializers import ApplicationSerializer


class ApplicationViewSet(
    WorkflowActionsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Applications, scoped: applicants see their own (drafts included); offices their region's
    submitted ones. Applicants' own systems may create, fill, submit and withdraw."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["call", "status", "project_type"]
    queryset = Application.unscoped.none()

    def workflow_table(self, instance):
        return services.APPLICATION_WORKFLOW

    def get_queryset(self):
        return (
            Application.objects.for_user(self.request.user)
            .select_related("applicant", "industry", "call")
            .prefetch_related(
                "insuranceyear_set",
                "pastproject_set",
                "planstage_set",
                "budgetline_set",
                Prefetch(
                    "teammember_set", queryset=TeamMember.objects.order_by("-is_leader", "id")
                ),
            )
            .order_by("number")
        )

    def perform_create(self, serializer):
        call = AnnualCall.objects.for_user(self.request.user).get(
            pk=serializer.validated_data["call"].pk
        )
        fields, tables = serializer.split()
        application = services.application_create(
            user=self.request.user,
            call=call,
            project_name=fields["project_name"],
            project_type=fields["project_type"],
        )
        services.application_update(
            user=self.request.user, application=application, fields=fields, **tables
        )
        serializer.instance = application

    def perform_update(self, serializer):
        fields, tables = serializer.split()
        services.application_update(
            user=self.request.user, application=serializer.instance, fields=fields, **tables
        )

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = services.application_submit(user=request.user, application=self.get_object())
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = services.application_withdraw(
            user=request.user, application=self.get_object()
        )
        return Response(
            ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data,
            status=status.HTTP_200_OK,
        )
