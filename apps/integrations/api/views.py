"""`POST /api/v1/training-classes/<id>/trainees/batch/`: the implementing agency's system adds
trainees to a class's roster (apps.integrations.trainees) — every row or none, under an
Idempotency-Key, every bad row reported."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from apps.core.api import MAX_ID
from apps.core.rest.errors import Conflict, problem_response
from apps.integrations.services import BatchRejected, KeyReused
from apps.integrations.trainees import MAX_ROWS, trainees_batch
from apps.training.models import TrainingClass

from .serializers import TraineeBatchAnswerSerializer, TraineeBatchSerializer

BATCH_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The caller's key of this batch (1–100 characters): the same key and body "
    "again answers the stored result and changes nothing; with another body, 409.",
)


def _rejected(message: str, errors: list) -> Response:
    return problem_response(status_code=400, code="batch_rejected", detail=message, errors=errors)


class TrainingClassBatchViewSet(viewsets.GenericViewSet):
    """Batches on a training class in the caller's scope (404 for any other)."""

    queryset = TrainingClass.unscoped.none()
    parser_classes = [JSONParser]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return TrainingClass.objects.for_user(self.request.user).select_related("project")

    @extend_schema(
        summary="Add trainees to a class's roster in one batch (atomic, idempotent)",
        description=(
            "The implementing agency's system enrols trainees (HB §10, §14) while the project "
            "is being implemented: the fields of the Excel roster, checked alike (ID number, "
            "sex and birth date against it, mobile, employer credit code, duplicates in the "
            "batch, the project and the province's projects of the year). Every row or none; "
            "bad rows are listed in a problem-details body (code `batch_rejected`, "
            "`errors[].row` the 0-based index). The online platforms then find these "
            "learners by their ID number."
        ),
        request=TraineeBatchSerializer,
        parameters=[BATCH_HEADER],
        responses={
            201: TraineeBatchAnswerSerializer,
            200: OpenApiResponse(TraineeBatchAnswerSerializer, description="The same batch again."),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="trainees/batch",
        filter_backends=[],
        pagination_class=None,
    )
    def trainees_batch(self, request, pk=None):
        if int(pk) > MAX_ID:
            raise Http404
        training_class = self.get_object()
        data = request.data if isinstance(request.data, dict) else {}
        rows = data.get("trainees")
        if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
            return problem_response(
                status_code=400,
                code="invalid",
                detail=_("Send `trainees`: a list of 1 to 500 rows."),
                errors={"trainees": [_("Send 1 to 500 rows.")]},
            )
        # Types and lengths of every row first: all bad rows at once, nothing written.
        errors = []
        for index, row in enumerate(rows):
            serializer = TraineeBatchSerializer(data={"trainees": [row]})
            if not serializer.is_valid():
                found = serializer.errors.get("trainees")
                row_errors = found[0] if isinstance(found, list) and found else found
                if not isinstance(row_errors, dict):
                    row_errors = {"non_field_errors": [str(row_errors)]}
                errors.append({"row": index, "errors": row_errors})
        if errors:
            return _rejected(_("Some rows are invalid; nothing was stored."), errors)
        try:
            code, answer, replayed = trainees_batch(
                user=request.user,
                training_class=training_class,
                key=request.headers.get("Idempotency-Key", ""),
                rows=rows,
            )
        except KeyReused:
            raise Conflict(_("This Idempotency-Key was used for another batch.")) from None
        except BatchRejected as rejected:
            return _rejected(rejected.message, rejected.errors)
        return Response(answer, status=status.HTTP_200_OK if replayed else code)
