import json

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from apps.core.api import IdFilter, ScopedReadOnlyViewSet
from apps.evidence import selectors, services
from apps.evidence.models import EvidenceFile
from apps.evidence.purposes import FILE_TYPES, PURPOSE_CHOICES
from apps.evidence.views import evidence_file_response
from apps.projects.models import Project

from .serializers import (
    EvidenceFileDetailSerializer,
    EvidenceFileSerializer,
    EvidenceUploadSerializer,
)


class AnyMediaRenderer(BaseRenderer):
    """Lets a download be asked for with any Accept header; errors still come as JSON text."""

    media_type = "*/*"
    format = "binary"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class EvidenceFileFilter(filters.FilterSet):
    # Plain numbers, not model choices: a choice filter would validate the id against every
    # project and so tell whether an out-of-scope project exists.
    purpose = filters.ChoiceFilter(choices=PURPOSE_CHOICES)
    project = IdFilter(field_name="project_id")
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = EvidenceFile
        fields = ["purpose", "project", "organisation"]


class EvidenceFileViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Evidence files the caller may see (HB §24); uploads and downloads are scoped alike."""

    queryset = EvidenceFile.unscoped.none()
    serializer_class = EvidenceFileSerializer
    filterset_class = EvidenceFileFilter
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.evidence_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EvidenceFileDetailSerializer
        if self.action == "create":
            return EvidenceUploadSerializer
        return EvidenceFileSerializer

    def _visible(self, queryset, pk, field: str):
        if not pk:
            return None
        found = queryset.filter(pk=pk).first()
        if found is None:
            raise serializers.ValidationError({field: _("Not found, or not visible to you.")})
        return found

    @extend_schema(
        summary="Upload a document (multipart)",
        description=(
            "Stores the file once by its SHA-256. The real content type is checked against "
            "the purpose and the file name. With `replaces`, the upload becomes the next "
            "version of that evidence file; earlier versions stay downloadable."
        ),
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            201: EvidenceFileDetailSerializer,
            400: OpenApiResponse(description="Invalid upload (type, size, purpose, title)."),
            403: OpenApiResponse(description="The target is outside the caller's scope."),
        },
    )
    def create(self, request, *args, **kwargs):
        upload = EvidenceUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        user = request.user
        project = self._visible(
            Project.objects.for_user(user).select_related("jurisdiction"),
            data.get("project"),
            "project",
        )
        replaces = self._visible(
            EvidenceFile.objects.for_user(user), data.get("replaces"), "replaces"
        )
        organisation = user.organisation
        jurisdiction = (
            project.jurisdiction if project else getattr(organisation, "jurisdiction", None)
        )
        try:
            version = services.evidence_upload(
                uploaded_by=user,
                uploaded_file=data["file"],
                purpose=data.get("purpose") or "",
                title=data.get("title") or "",
                jurisdiction=jurisdiction,
                project=project,
                organisation=organisation,
                replaces=replaces,
                note=data.get("note") or "",
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        evidence_file = selectors.evidence_file_get(user=user, pk=version.evidence_file_id)
        body = EvidenceFileDetailSerializer(evidence_file, context=self.get_serializer_context())
        return Response(body.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a version of the file",
        description="Streams the stored bytes as an attachment; every download is audited.",
        parameters=[
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Version number; the current version when omitted.",
            )
        ],
        responses={
            **{
                (200, file_type.mime): OpenApiResponse(
                    response=OpenApiTypes.BINARY,
                    description="The file, as an attachment; its Content-Type is the detected "
                    "type of its content.",
                )
                for file_type in FILE_TYPES.values()
            },
            404: OpenApiResponse(description="No such file or version visible to the caller."),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, AnyMediaRenderer])
    def download(self, request, pk=None):
        version_number = None
        raw = request.query_params.get("version")
        if raw is not None:
            try:
                version_number = int(raw)
            except ValueError:
                raise NotFound(_("No such version.")) from None
        try:
            version, stored = services.evidence_download_open(
                user=request.user, evidence_file_id=int(pk), version_number=version_number
            )
        except (ObjectDoesNotExist, ValueError) as exc:
            raise NotFound() from exc
        return evidence_file_response(version, stored)
