from django.db.models import Prefetch, Q
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api import IdFilter, ScopedReadOnlyViewSet, WorkflowActionsMixin
from apps.procurement.models import (
    Procurement,
    ProcurementCategory,
    ProcurementMethod,
    ProcurementStatus,
    RequirementItem,
)
from apps.projects.models import Project

from .serializers import (
    IntegrationBatchAnswerSerializer,
    ProcurementDocumentSerializer,
    ProcurementDocumentUploadSerializer,
    ProcurementSerializer,
    RequirementBatchSerializer,
)

BATCH_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The caller's key of this batch (1–100 characters): the same key and body "
    "again answers the stored result and changes nothing; with another body, 409.",
)


class ProcurementFilter(filters.FilterSet):
    project = IdFilter(method="filter_project")
    status = filters.ChoiceFilter(choices=ProcurementStatus.choices)
    method = filters.ChoiceFilter(choices=ProcurementMethod.choices)
    category = filters.ChoiceFilter(choices=ProcurementCategory.choices)
    year = filters.NumberFilter(field_name="year")

    class Meta:
        model = Procurement
        fields = ["project", "status", "method", "category", "year"]

    def filter_project(self, queryset, name, value):
        return queryset.filter(Q(project_id=value) | Q(lot__projects=value)).distinct()


class ProcurementViewSet(WorkflowActionsMixin, ScopedReadOnlyViewSet):
    """Procurements (HB §9) in the caller's scope with their requirement items (each with its
    acceptance criterion and structured details) and award (HB §10–11)."""

    queryset = Procurement.unscoped.none()
    serializer_class = ProcurementSerializer
    filterset_class = ProcurementFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("jurisdiction", "award__winner", "award__qualification_record_type")
            .prefetch_related(
                "lot__projects",
                Prefetch(
                    "requirements",
                    queryset=RequirementItem.objects.prefetch_related(
                        "syllabus_lines", "promotion_activities", "media_placements"
                    ),
                ),
                "award__qualification_record",
            )
            .order_by("-year", "pk")
        )

    @extend_schema(
        summary="OCDS 1.1 release package",
        description=(
            "Open Contracting Data Standard 1.1 release package of the procurements (tender, "
            "award, contract, payments) of one project (`project`) or of one jurisdiction and "
            "year (`jurisdiction` code and `year`), in the caller's scope."
        ),
        parameters=[
            OpenApiParameter("project", OpenApiTypes.INT, required=False),
            OpenApiParameter("jurisdiction", OpenApiTypes.STR, required=False),
            OpenApiParameter("year", OpenApiTypes.INT, required=False),
        ],
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="ocds", filterset_class=None)
    def ocds(self, request):
        from apps.procurement.exports import audit_ocds_export
        from apps.procurement.views import ocds_package_for

        project_id = request.query_params.get("project", "")
        code = request.query_params.get("jurisdiction", "")
        year = request.query_params.get("year", "")
        project = None
        if project_id:
            if not project_id.isdigit() or len(project_id) > 18:
                raise Http404
            project = Project.objects.for_user(request.user).filter(pk=int(project_id)).first()
            if project is None:
                raise Http404
            label = project.code
        elif code and year.isdigit() and len(year) == 4:
            label = f"{code}-{year}"
        else:
            raise Http404
        package = ocds_package_for(
            request, project=project, jurisdiction_code=code, year=int(year or 0)
        )
        if not package["releases"]:
            raise Http404
        audit_ocds_export(user=request.user, label=label, count=len(package["releases"]))
        return Response(package)

    @extend_schema(
        summary="Add requirements in one batch (atomic, idempotent)",
        description=(
            "Quantified requirements, each with its acceptance criterion (HB §9) and its "
            "syllabus lines, promotion activities or media placements, added to a draft "
            "procurement by the procuring authority's system: every row or none. Bad rows are "
            "listed in a problem-details body (code `batch_rejected`, `errors[].row` the "
            "0-based index)."
        ),
        request=RequirementBatchSerializer,
        parameters=[BATCH_HEADER],
        responses={
            201: IntegrationBatchAnswerSerializer,
            200: OpenApiResponse(
                IntegrationBatchAnswerSerializer, description="The same batch again."
            ),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="requirements/batch",
        filter_backends=[],
        pagination_class=None,
    )
    def requirements_batch(self, request, pk=None):
        from apps.procurement.api.batches import requirements_batch

        return requirements_batch(request, self.get_object())

    @extend_schema(
        summary="Upload a procurement document (multipart)",
        request={"multipart/form-data": ProcurementDocumentUploadSerializer},
        responses={201: ProcurementDocumentSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def documents(self, request, pk=None):
        from apps.procurement.services import procurement_document_add

        body = ProcurementDocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = procurement_document_add(
            user=request.user,
            procurement=self.get_object(),
            kind=body.validated_data["kind"],
            uploaded_file=body.validated_data["file"],
            title=body.validated_data.get("title", ""),
        )
        return Response(ProcurementDocumentSerializer(document).data, status=201)

    def workflow_table(self, instance):
        from apps.procurement.services import workflow_for

        return workflow_for(instance)


__all__ = ["ProcurementViewSet"]
