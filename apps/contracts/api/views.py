from django_filters import rest_framework as filters

from apps.contracts.models import Payment, PaymentKind, ServiceAgreement
from apps.core.api import IdFilter, ScopedReadOnlyViewSet

from .serializers import PaymentSerializer, ServiceAgreementSerializer


class AgreementFilter(filters.FilterSet):
    project = IdFilter(field_name="project_id")
    procurement = IdFilter(field_name="award__procurement_id")

    class Meta:
        model = ServiceAgreement
        fields = ["project", "procurement"]


class ServiceAgreementViewSet(ScopedReadOnlyViewSet):
    """Service agreements (HB §11) with the amount paid so far."""

    queryset = ServiceAgreement.unscoped.none()
    serializer_class = ServiceAgreementSerializer
    filterset_class = AgreementFilter

    def get_queryset(self):
        return self.base_queryset().select_related("award").order_by("pk")


class PaymentFilter(filters.FilterSet):
    agreement = IdFilter(field_name="agreement_id")
    project = IdFilter(field_name="project_id")
    kind = filters.ChoiceFilter(choices=PaymentKind.choices)

    class Meta:
        model = Payment
        fields = ["agreement", "project", "kind"]


class PaymentViewSet(ScopedReadOnlyViewSet):
    """The payment ledger: advance (50 %), balance and other payments, each with its voucher."""

    queryset = Payment.unscoped.none()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter

    def get_queryset(self):
        return self.base_queryset().order_by("agreement", "paid_on", "pk")


__all__ = ["PaymentViewSet", "ServiceAgreementViewSet"]
