"""Open Contracting Data Standard 1.1 release packages of procurement (tender), award,
contract and its payments (contract implementation transactions).

One release per procurement; the ocid is `<prefix>-<jurisdiction code>-<procurement id>`, the
prefix from `settings.WIPP_OCDS_PREFIX` (default "ocds-wipp00": register a real one with the
OCDS helpdesk before publishing). Amounts are exact two-place yuan, written as JSON numbers
(OCDS `amount` is a number; a two-place decimal below 2^53 cents round-trips exactly).

The schemas (JSON Schema draft 4, OCDS 1.1.5) are kept in `data/ocds-1.1/` so that validation
needs no network: the release-package schema refers to the release schema by its URL, which is
mapped to the local file.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from apps.contracts.models import PaymentKind

from .models import (
    DocumentKind,
    Procurement,
    ProcurementMethod,
    ProcurementStatus,
)

OCDS_VERSION = "1.1"
DEFAULT_PREFIX = "ocds-wipp00"
SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "ocds-1.1"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
CURRENCY = "CNY"

# OCDS method codelist: open / selective / limited / direct; the Chinese method is kept in
# procurementMethodDetails.
METHODS = {
    ProcurementMethod.PUBLIC_TENDER: "open",
    ProcurementMethod.COMPETITIVE_NEGOTIATION: "limited",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "limited",
    ProcurementMethod.INQUIRY: "limited",
    ProcurementMethod.SINGLE_SOURCE: "direct",
}
METHOD_DETAILS = {
    ProcurementMethod.PUBLIC_TENDER: "公开招标",
    ProcurementMethod.COMPETITIVE_NEGOTIATION: "竞争性谈判",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "竞争性磋商",
    ProcurementMethod.INQUIRY: "询价",
    ProcurementMethod.SINGLE_SOURCE: "单一来源",
}
TENDER_STATUS = {
    ProcurementStatus.DRAFT: "planning",
    ProcurementStatus.PUBLISHED: "active",
    ProcurementStatus.AWARDED: "complete",
    ProcurementStatus.FILED: "complete",
    ProcurementStatus.CANCELLED: "cancelled",
}
DOCUMENT_TYPES = {
    DocumentKind.TENDER_DOCUMENTS: "tenderNotice",
    DocumentKind.BID_RECEIVED: "biddingDocuments",
    DocumentKind.WINNING_BID: "biddingDocuments",
    DocumentKind.AWARD_NOTICE: "awardNotice",
    DocumentKind.SERVICE_AGREEMENT: "contractSigned",
    DocumentKind.IMPLEMENTATION_PLAN: "contractSchedule",
}


def ocid_prefix() -> str:
    return getattr(settings, "WIPP_OCDS_PREFIX", DEFAULT_PREFIX)


def ocid_for(procurement: Procurement) -> str:
    return f"{ocid_prefix()}-{procurement.jurisdiction.code}-{procurement.pk}"


def _amount(value: Decimal) -> int | float:
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def _value(amount) -> dict:
    return {"amount": _amount(amount), "currency": CURRENCY}


def _date(day) -> str:
    """A date as an RFC 3339 date-time at local midnight (Asia/Shanghai)."""
    moment = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    return moment.isoformat()


def _party_id(organisation) -> str:
    return f"CN-USCC-{organisation.credit_code}"


def _party(organisation, roles: set[str]) -> dict:
    return {
        "id": _party_id(organisation),
        "name": organisation.name,
        "identifier": {
            "scheme": "CN-USCC",
            "id": organisation.credit_code,
            "legalName": organisation.name,
        },
        "address": {"countryName": "中国", "region": organisation.jurisdiction.name},
        "roles": sorted(roles),
    }


def _ref(organisation) -> dict:
    return {"id": _party_id(organisation), "name": organisation.name}


def _document(document, request_base: str) -> dict:
    evidence = document.evidence
    return {
        "id": f"doc-{document.pk}",
        "documentType": DOCUMENT_TYPES.get(document.kind, "other"),
        "title": evidence.title,
        "url": f"{request_base}/evidence/{evidence.pk}/download/",
        "datePublished": document.created_at.isoformat(),
        "language": "zh",
    }


def _release(procurement: Procurement, *, base_url: str) -> dict:
    parties: dict[str, tuple] = {}

    def add_party(organisation, role):
        key = _party_id(organisation)
        if key not in parties:
            parties[key] = (organisation, set())
        parties[key][1].add(role)

    authority = procurement.procuring_authority
    add_party(authority, "buyer")
    add_party(authority, "procuringEntity")
    documents = list(procurement.documents.all())
    tags = (
        ["tender"] if procurement.status != ProcurementStatus.CANCELLED else ["tenderCancellation"]
    )
    tender = {
        "id": procurement.reference or f"tender-{procurement.pk}",
        "title": procurement.title,
        "status": TENDER_STATUS[procurement.status],
        "procuringEntity": _ref(authority),
        "procurementMethod": METHODS[procurement.method],
        "procurementMethodDetails": METHOD_DETAILS[procurement.method],
        "mainProcurementCategory": "services",
        "items": [
            {
                "id": str(item.number),
                "description": item.name,
                "quantity": _amount(item.quantity),
                "unit": {"name": item.unit},
            }
            for item in procurement.requirements.all()
        ],
        "documents": [
            _document(d, base_url)
            for d in documents
            if d.kind
            in (DocumentKind.TENDER_DOCUMENTS, DocumentKind.BID_RECEIVED, DocumentKind.WINNING_BID)
        ],
    }
    if procurement.budget_amount is not None:
        tender["value"] = _value(procurement.budget_amount)
    if procurement.published_on:
        tender["tenderPeriod"] = {"startDate": _date(procurement.published_on)}
        if procurement.bid_opening_on:
            tender["tenderPeriod"]["endDate"] = _date(procurement.bid_opening_on)
    release = {
        "ocid": ocid_for(procurement),
        "date": procurement.created_at.isoformat(),
        "initiationType": "tender",
        "buyer": _ref(authority),
        "tender": tender,
        "language": "zh",
    }
    latest = procurement.created_at
    # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    award = getattr(procurement, "award", None)
    if award is not None:
        tags.append("award")
        add_party(award.winner, "supplier")
        add_party(award.winner, "tenderer")
        latest = max(latest, award.created_at)
        release["awards"] = [
            {
                "id": f"award-{award.pk}",
                "title": procurement.title,
                "status": "active",
                "date": _date(award.notice_date),
                "value": _value(award.amount),
                "suppliers": [_ref(award.winner)],
                "documents": [
                    _document(d, base_url) for d in documents if d.kind == DocumentKind.AWARD_NOTICE
                ],
            }
        ]
        agreement = getattr(award, "agreement", None)
        if agreement is not None:
            tags.append("contract")
            add_party(agreement.party_a, "payer")
            add_party(agreement.party_b, "payee")
            latest = max(latest, agreement.created_at)
            contract = {
                "id": agreement.number or f"contract-{agreement.pk}",
                "awardID": f"award-{award.pk}",
                "title": procurement.title,
                "status": "active",
                "value": _value(agreement.amount),
                "period": {
                    "startDate": _date(agreement.starts_on),
                    "endDate": _date(agreement.ends_on),
                },
                "dateSigned": _date(agreement.signed_on),
                "documents": [
                    _document(d, base_url)
                    for d in documents
                    if d.kind in (DocumentKind.SERVICE_AGREEMENT, DocumentKind.IMPLEMENTATION_PLAN)
                ],
            }
            payments = list(agreement.payments.all())
            if payments:
                tags.append("implementation")
                latest = max([latest, *(p.created_at for p in payments)])
                contract["implementation"] = {
                    "transactions": [
                        {
                            "id": f"payment-{payment.pk}",
                            "source": f"{base_url}/procurement/{procurement.pk}/",
                            "date": _date(payment.paid_on),
                            "value": _value(payment.amount),
                            "payer": _ref(agreement.party_a),
                            "payee": _ref(agreement.party_b),
                            "uri": f"{base_url}/evidence/{payment.document_id}/download/",
                        }
                        for payment in payments
                    ]
                }
                kinds = {p.kind for p in payments}
                if PaymentKind.BALANCE in kinds and agreement.unpaid == 0:
                    contract["status"] = "terminated"
            release["contracts"] = [contract]
    release["id"] = f"{release['ocid']}-{latest.strftime('%Y%m%dT%H%M%S')}"
    release["date"] = latest.isoformat()
    release["tag"] = tags
    release["parties"] = [_party(org, roles) for org, roles in parties.values()]
    return release


def procurements_for_export(queryset):
    return queryset.select_related(
        "jurisdiction",
        "procuring_authority__jurisdiction",
        "award__winner__jurisdiction",
        "award__agreement__party_a__jurisdiction",
        "award__agreement__party_b__jurisdiction",
    ).prefetch_related(
        "requirements",
        "documents__evidence",
        "award__agreement__payments",
    )


def release_package(procurements, *, base_url: str, uri: str, publisher: str) -> dict:
    """The release package of `procurements` (a queryset already scoped to the reader)."""
    releases = [_release(p, base_url=base_url) for p in procurements_for_export(procurements)]
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": timezone.now().isoformat(),
        "publisher": {"name": publisher},
        "releases": releases,
    }


def package_json(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False, indent=2)


# --- validation ---------------------------------------------------------------------------


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def ocds_validator(schema_dir: Path | None = None):
    """A draft-4 validator of release packages with the release schema resolved locally."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schema_dir = Path(schema_dir or SCHEMA_DIR)
    package_schema = _load(schema_dir / "release-package-schema.json")
    release_schema = _load(schema_dir / "release-schema.json")
    registry = Registry().with_resource(
        RELEASE_SCHEMA_URL, Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    return Draft4Validator(package_schema, registry=registry)


def ocds_errors(package: dict, schema_dir: Path | None = None) -> list[str]:
    """Every schema violation of `package`, as "path: message"; empty when it is valid."""
    validator = ocds_validator(schema_dir)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    ]
