"""Bulk push endpoints of the online platforms (issue 14 item 7) and the read of learning
records for supervisors (HB §16, §18: member units and evaluators pull platform data).

POST a batch `{"project": <id>, "records": [...]}` with `Authorization: Api-Key …` of the
platform's API client. Answers: 201 with the batch's summary; 200 with the very same summary
when the batch was received before (nothing changes); 400 with `errors`, one entry per bad row
(`row` is the 0-based index) in a problem-details body (code `batch_rejected`), when any row
is bad — then nothing is stored; 403 for a client
that is not the project's online platform; 404 for a project it cannot see; 429 past the
client's rate (`WIPP_ONLINE_THROTTLE_RATE`)."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import Role
from apps.core.api import MAX_ID, IdFilter, ScopedReadOnlyViewSet, problem_response
from apps.core.rest.pagination import WippCursorPagination
from apps.online import services
from apps.online.models import LearningRecord
from apps.projects.models import Project
from apps.training.selectors import READ_ROLES

from .serializers import (
    BatchAnswerSerializer,
    BatchErrorSerializer,
    CaptureBatchSerializer,
    ExamBatchSerializer,
    LearningBatchSerializer,
    LearningRecordSerializer,
)
from .throttling import OnlinePlatformThrottle

RESPONSES = {
    201: BatchAnswerSerializer,
    200: OpenApiResponse(BatchAnswerSerializer, description="The same batch, received before."),
    400: OpenApiResponse(BatchErrorSerializer, description="Bad rows; nothing was stored."),
}


class BatchView(APIView):
    throttle_classes = [OnlinePlatformThrottle]
    throttle_scope = "online_platform"
    ingest = None

    def post(self, request):
        data = request.data
        if not isinstance(data, dict):
            raise ApiValidationError({"detail": _("Send an object with project and records.")})
        project_id = data.get("project")
        if type(project_id) is not int or not 1 <= project_id <= MAX_ID:
            raise ApiValidationError({"project": [_("Expected the project's id.")]})
        project = Project.objects.for_user(request.user).filter(pk=project_id).first()
        if project is None:
            raise NotFound
        try:
            answer = type(self).ingest(
                user=request.user,
                project=project,
                rows=data.get("records"),
                client=request.auth if hasattr(request.auth, "key_prefix") else None,
            )
        except services.BatchRejected as rejected:
            return problem_response(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="batch_rejected",
                detail=rejected.message,
                errors=rejected.errors,
            )
        return Response(
            answer.body, status=status.HTTP_200_OK if answer.replayed else status.HTTP_201_CREATED
        )


class LearningRecordBatchView(BatchView):
    """Learning records: trainee (by ID number), course and lesson, start and end, seconds
    watched, face captures, fast-forwarding, idle seconds; the answer lists the records whose
    time does not (fully) count and why."""

    ingest = staticmethod(services.learning_records_ingest)

    @extend_schema(request=LearningBatchSerializer, responses=RESPONSES, tags=["online"])
    def post(self, request):
        return super().post(request)


class FaceCaptureBatchView(BatchView):
    """Face captures during study: the platform's verdict, or a photo verified here against
    the trainee's enrolment template; a mismatch is a finding."""

    ingest = staticmethod(services.face_captures_ingest)

    @extend_schema(request=CaptureBatchSerializer, responses=RESPONSES, tags=["online"])
    def post(self, request):
        return super().post(request)


class ExamResultBatchView(BatchView):
    """Exam results taken on the platform (counted in the project's pass rate)."""

    ingest = staticmethod(services.exam_results_ingest)

    @extend_schema(request=ExamBatchSerializer, responses=RESPONSES, tags=["online"])
    def post(self, request):
        return super().post(request)


class LearningRecordFilter(filters.FilterSet):
    project = IdFilter(field_name="project_id")
    trainee = IdFilter(field_name="trainee_id")

    class Meta:
        model = LearningRecord
        fields = ["project", "trainee"]


class LearningRecordViewSet(ScopedReadOnlyViewSet):
    """Learning records received from the online platforms, with the seconds that count."""

    queryset = LearningRecord.unscoped.none()
    serializer_class = LearningRecordSerializer
    filterset_class = LearningRecordFilter
    pagination_class = WippCursorPagination
    ordering = ["-id"]

    def get_queryset(self):
        user = self.request.user
        if not (user.is_superuser or user.role in READ_ROLES | {Role.ONLINE_PLATFORM}):
            return LearningRecord.unscoped.none()
        return self.base_queryset().order_by("-pk")
