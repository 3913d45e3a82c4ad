from django.db.models import Prefetch
from django_filters import rest_framework as filters

from apps.core.api import IdFilter, ScopedReadOnlyViewSet, WorkflowActionsMixin
from apps.determination.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    AnnualArrangement,
    ArrangementEntry,
    ArrangementStatus,
    BudgetYear,
    Determination,
    DeterminationStatus,
    FiledProject,
)

from .serializers import (
    AdjustmentSerializer,
    AnnualArrangementSerializer,
    ArrangementEntrySerializer,
    DeterminationSerializer,
    FiledProjectSerializer,
)


class DeterminationFilter(filters.FilterSet):
    call = IdFilter(field_name="call_id")
    status = filters.ChoiceFilter(choices=DeterminationStatus.choices)

    class Meta:
        model = Determination
        fields = ["call", "status"]


class DeterminationViewSet(WorkflowActionsMixin, ScopedReadOnlyViewSet):
    """Determination of a call (HB §6): the city's proposal, the joint meeting's decisions,
    HRSS approval and filing."""

    queryset = Determination.unscoped.none()
    serializer_class = DeterminationSerializer
    filterset_class = DeterminationFilter

    def get_queryset(self):
        return self.base_queryset().prefetch_related("entries").order_by("pk")

    def workflow_table(self, instance):
        from apps.determination.workflow import DETERMINATION_WORKFLOW

        return DETERMINATION_WORKFLOW


class FiledProjectFilter(filters.FilterSet):
    determination = IdFilter(field_name="determination_id")
    project = IdFilter(field_name="project_id")

    class Meta:
        model = FiledProject
        fields = ["determination", "project"]


class FiledProjectViewSet(ScopedReadOnlyViewSet):
    """Filed copies of approved projects (备案) with their budget years (HB §8)."""

    queryset = FiledProject.unscoped.none()
    serializer_class = FiledProjectSerializer
    filterset_class = FiledProjectFilter

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("project")
            .prefetch_related(
                Prefetch("project__budget_years", queryset=BudgetYear.unscoped.order_by("year"))
            )
            .order_by("pk")
        )


class ArrangementFilter(filters.FilterSet):
    province = IdFilter(field_name="province_id")
    status = filters.ChoiceFilter(choices=ArrangementStatus.choices)

    class Meta:
        model = AnnualArrangement
        fields = ["province", "year", "status"]


class AnnualArrangementViewSet(ScopedReadOnlyViewSet):
    """The province's annual arrangements (年度工伤预防项目安排)."""

    queryset = AnnualArrangement.unscoped.none()
    serializer_class = AnnualArrangementSerializer
    filterset_class = ArrangementFilter

    def get_queryset(self):
        return self.base_queryset().order_by("pk")


class ArrangementEntryFilter(filters.FilterSet):
    arrangement = IdFilter(field_name="arrangement_id")
    jurisdiction = IdFilter(field_name="jurisdiction_id")

    class Meta:
        model = ArrangementEntry
        fields = ["arrangement", "jurisdiction", "is_current"]


class ArrangementEntryViewSet(ScopedReadOnlyViewSet):
    """Entries of the arrangements; superseded entries stay with `is_current` false."""

    queryset = ArrangementEntry.unscoped.none()
    serializer_class = ArrangementEntrySerializer
    filterset_class = ArrangementEntryFilter

    def get_queryset(self):
        return self.base_queryset().select_related("jurisdiction", "project").order_by("pk")


class AdjustmentFilter(filters.FilterSet):
    arrangement = IdFilter(field_name="arrangement_id")
    year = filters.NumberFilter(field_name="arrangement__year")
    kind = filters.ChoiceFilter(choices=AdjustmentKind.choices)
    status = filters.ChoiceFilter(choices=AdjustmentStatus.choices)

    class Meta:
        model = Adjustment
        fields = ["arrangement", "year", "kind", "status"]


class AdjustmentViewSet(ScopedReadOnlyViewSet):
    """Adjustments of an arrangement (HB §7): request, member unit's consent, publication."""

    queryset = Adjustment.unscoped.none()
    serializer_class = AdjustmentSerializer
    filterset_class = AdjustmentFilter

    def get_queryset(self):
        return self.base_queryset().order_by("pk")
