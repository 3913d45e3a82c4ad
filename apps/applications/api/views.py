from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.applications import services
from apps.applications.models import Application, ApplicationAttachment, TeamMember
from apps.calls.models import AnnualCall
from apps.core.api import WorkflowActionsMixin

from .serializers import ApplicationAttachmentSerializer, ApplicationSerializer

NARRATIVES = Application.NARRATIVE_FIELDS
LIST_PARAMETERS = [
    OpenApiParameter(
        "expand",
        OpenApiTypes.STR,
        description="`narratives`: include the long texts (SZ 2–6), left out of lists.",
    ),
    OpenApiParameter(
        "fields",
        OpenApiTypes.STR,
        description="Comma-separated field names: only these (and `id`) are returned.",
    ),
]


@extend_schema_view(list=extend_schema(parameters=LIST_PARAMETERS))
class ApplicationViewSet(
    WorkflowActionsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Applications, scoped: applicants see their own (drafts included); offices their region's
    submitted ones. Applicants' own systems may create, fill, submit and withdraw, and add
    the attachments (scans, licences, certificates)."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["call", "status", "project_type"]
    queryset = Application.unscoped.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def workflow_table(self, instance):
        return services.APPLICATION_WORKFLOW

    def _shape(self) -> tuple[set, set | None]:
        """(fields left out, only these fields) for this request."""
        params = self.request.query_params if self.request else {}
        only = None
        if params.get("fields"):
            only = {name.strip() for name in params["fields"].split(",") if name.strip()}
        expand = {name.strip() for name in params.get("expand", "").split(",")}
        omit = set()
        if (
            self.action == "list"
            and "narratives" not in expand
            and not (only or set()) & set(NARRATIVES)
        ):
            omit = set(NARRATIVES)
        return omit, only

    def get_serializer(self, *args, **kwargs):
        if self.action in {"list", "retrieve"} and self.request is not None:
            kwargs["omit"], kwargs["only"] = self._shape()
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self):
        queryset = (
            Application.objects.for_user(self.request.user)
            .select_related("applicant", "industry", "call")
            .prefetch_related(
                "service_industries",
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
        if self.action == "list":
            omit, _only = self._shape()
            if omit:
                queryset = queryset.defer(*omit)
        return queryset

    @transaction.atomic
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

    def _fresh(self, application):
        return ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = services.application_submit(user=request.user, application=self.get_object())
        return Response(self._fresh(application))

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = services.application_withdraw(
            user=request.user, application=self.get_object()
        )
        return Response(self._fresh(application), status=status.HTTP_200_OK)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=ApplicationAttachmentSerializer(many=True),
        summary="The application's attachments",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": ApplicationAttachmentSerializer},
        responses={201: ApplicationAttachmentSerializer},
        summary="Add an attachment to a draft (multipart: kind, file)",
        description="Kinds: "
        + ", ".join(f"`{k}` ({v})" for k, v in services.ATTACHMENT_KINDS.items()),
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def attachments(self, request, pk=None):
        application = self.get_object()
        if request.method == "POST":
            body = ApplicationAttachmentSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            attachment = services.application_attachment_add(
                user=request.user,
                application=application,
                kind=body.validated_data["kind"],
                uploaded_file=body.validated_data["file"],
            )
            return Response(
                ApplicationAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
            )
        rows = (
            ApplicationAttachment.objects.filter(application=application)
            .select_related("evidence")
            .order_by("pk")
        )
        return Response(ApplicationAttachmentSerializer(rows, many=True).data)
