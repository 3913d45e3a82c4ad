"""Batch writes of the procurement API for the administrative departments' own systems
(issue 16 item 7): atomic, idempotent by the caller's key, every bad row reported."""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from apps.core.rest.errors import Conflict, problem_response
from apps.integrations.services import BatchRejected, KeyReused, batch_run
from apps.procurement import services

from .serializers import RequirementRowSerializer


def _row_error(errors) -> dict:
    return {
        name: [str(m) for m in (v if isinstance(v, list) else [v])] for name, v in errors.items()
    }


def requirements_batch(request, procurement):
    data = request.data if isinstance(request.data, dict) else {}
    rows = data.get("requirements")
    if not isinstance(rows, list) or not rows or len(rows) > 500:
        return problem_response(
            status_code=400,
            code="invalid",
            detail=_("Send `requirements`: a list of 1 to 500 rows."),
            errors={"requirements": [_("Send 1 to 500 rows.")]},
        )
    # Types and formats of every row first: all bad rows at once, nothing written.
    checked, errors = [], []
    for index, row in enumerate(rows):
        serializer = RequirementRowSerializer(data=row)
        if serializer.is_valid():
            checked.append(serializer.validated_data)
        else:
            errors.append({"row": index, "errors": serializer.errors})
    if errors:
        return problem_response(
            status_code=400,
            code="batch_rejected",
            detail=_("Some rows are invalid; nothing was stored."),
            errors=errors,
        )

    def add(row: dict) -> dict:
        row = dict(row)
        details = {
            services.syllabus_line_add: row.pop("syllabus_lines", []),
            services.promotion_activity_add: row.pop("promotion_activities", []),
            services.media_placement_add: row.pop("media_placements", []),
        }
        item = services.requirement_add(user=request.user, procurement=procurement, **row)
        for service, lines in details.items():
            for line in lines:
                service(user=request.user, requirement=item, **line)
        return {"id": item.pk, "number": item.number}

    try:
        code, answer, _replayed = batch_run(
            user=request.user,
            jurisdiction=procurement.jurisdiction,
            operation=f"procurement-requirements:{procurement.pk}",
            key=request.headers.get("Idempotency-Key", ""),
            body=rows,
            rows=checked,
            apply_row=add,
        )
    except KeyReused:
        raise Conflict(_("This Idempotency-Key was used for another batch.")) from None
    except BatchRejected as rejected:
        return problem_response(
            status_code=400,
            code="batch_rejected",
            detail=rejected.message,
            errors=[{"row": e["row"], "errors": _row_error(e["errors"])} for e in rejected.errors],
        )
    return Response(answer, status=status.HTTP_200_OK if _replayed else code)
