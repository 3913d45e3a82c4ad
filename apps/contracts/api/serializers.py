from rest_framework import serializers

from apps.contracts.models import Payment, ServiceAgreement


class ServiceAgreementSerializer(serializers.ModelSerializer):
    procurement = serializers.IntegerField(source="award.procurement_id", read_only=True)
    unpaid = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = ServiceAgreement
        fields = [
            "id",
            "procurement",
            "award",
            "project",
            "lot",
            "number",
            "amount",
            "paid_total",
            "unpaid",
            "starts_on",
            "ends_on",
            "signed_on",
            "party_a",
            "party_b",
            "document",
            "created_at",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "agreement",
            "project",
            "lot",
            "kind",
            "amount",
            "paid_on",
            "document",
            "note",
            "created_at",
        ]
