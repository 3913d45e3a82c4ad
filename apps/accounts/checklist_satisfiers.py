"""How the accounts app meets checklist items: a document approved and unexpired on file."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.checklists.engine import Satisfaction, satisfier


@satisfier("compliance_document")
def compliance_document_on_file(user, kind: str, context: dict) -> Satisfaction:
    """`user` is the person whose access the documents gate; documents of the organisation and
    the person's own count (HB §12, §18, §25)."""
    from .selectors import compliance_documents_on_file

    on_file = context.get("on_file")
    if on_file is None:
        on_file = compliance_documents_on_file(
            organisation_id=user.organisation_id, person_id=user.pk
        )
        context["on_file"] = on_file
    if kind in on_file:
        link = (
            str(user.organisation),
            reverse("manage:organisation_detail", args=[user.organisation_id]),
        )
        return Satisfaction(True, _("Approved and on file."), (link,))
    return Satisfaction(False, _("Not yet approved by the office."))
