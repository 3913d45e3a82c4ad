"""How procurement meets checklist items: a typed document of the procurement on the platform."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.checklists.engine import Satisfaction, satisfier


@satisfier("procurement_document")
def procurement_document_present(procurement, kind: str, context: dict) -> Satisfaction:
    present = context.get("documents")
    if present is None:
        present = {}
        for document in procurement.documents.select_related("evidence").order_by("pk"):
            present.setdefault(document.kind, document)
        context["documents"] = present
    document = present.get(kind)
    if document is None:
        return Satisfaction(False, _("Not uploaded yet."))
    link = (document.evidence.title, reverse("evidence:detail", args=[document.evidence_id]))
    return Satisfaction(True, _("On the platform."), (link,))
