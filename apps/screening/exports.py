from django.utils.translation import gettext as _

from apps.applications.exports import workbook_response
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.excel import Column

from .models import Indicator


def _mark(value) -> str:
    return {True: _("passed"), False: _("failed"), None: _("cannot assess")}[value]


def screening_xlsx_response(*, call, reviews):
    headers = [
        Column(_("Application number"), 20),
        Column(_("Applicant"), 30),
        Column(_("Project name"), 36),
    ]
    for _code, label in Indicator.choices:
        headers += [
            Column(_("%(indicator)s: computed by the platform") % {"indicator": label}, 14),
            Column(_("%(indicator)s: reviewer's decision") % {"indicator": label}, 14),
            Column(_("Reason"), 30, wrap=True),
        ]
    headers += [
        Column(_("Outcome"), 12),
        Column(_("Reasons given to the applicant"), 40, wrap=True),
    ]
    rows = []
    for review in reviews:
        verdicts = {v.indicator: v for v in review.verdicts.all()}
        row = [
            review.application.number,
            review.application.applicant.name,
            review.application.project_name,
        ]
        for code in Indicator.values:
            v = verdicts.get(code)
            row += [_mark(v.computed_pass), _mark(v.final_pass), v.reason] if v else ["", "", ""]
        row += [review.get_outcome_display(), review.summary]
        rows.append(row)
    audit_record(
        action=AuditAction.EXPORT,
        object_type="calls.AnnualCall",
        object_id=call.pk,
        object_repr=str(call),
        jurisdiction_path=call.jurisdiction.path,
        message="screening results xlsx export",
    )
    return workbook_response(
        title=_("Preliminary review"), headers=headers, rows=rows, filename="screening"
    )
