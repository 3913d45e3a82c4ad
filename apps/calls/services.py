"""The annual call (HB §4): drafted, published to the public, closed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.roles import Role
from apps.applications.models import SUBMITTED_STATUSES, ApplicationStatus
from apps.core.levels import Level, actor_may, level_require
from apps.core.workflow import Transition, TransitionTable, transition_apply

from .models import AnnualCall, CallStatus

CALL_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "publish",
            CallStatus.DRAFT,
            CallStatus.PUBLISHED,
            {Role.OFFICE},
            clause="HB §4",
            label=_lazy("Publish"),
        ),
        Transition(
            "close",
            CallStatus.PUBLISHED,
            CallStatus.CLOSED,
            {Role.OFFICE},
            clause="HB §4",
            label=_lazy("Close"),
        ),
    ],
)

CALL_FIELDS = (
    "year",
    "title",
    "body",
    "allows_training",
    "allows_promotion",
    "budget_total",
    "max_amount_per_application",
    "max_applications_per_applicant",
    "min_awareness_rate",
    "min_pass_rate",
    "min_satisfaction_rate",
    "opens_at",
    "closes_at",
    "rubric_code",
    "similarity_threshold",
    "similarity_figure_threshold",
    "similarity_boilerplate_share",
    "similarity_near_miss_share",
    "similarity_min_own_text",
)


def _check_office_of(user, jurisdiction) -> None:
    """The office of the call's own level (本级) drafts and publishes it."""
    level_require(
        user,
        roles={Role.OFFICE},
        jurisdiction=jurisdiction,
        message=_("Only the office of this jurisdiction manages its calls."),
    )


def _check_rubric(jurisdiction, rubric_code: str) -> None:
    """A call names a rubric of its own jurisdiction root (issue 13 item 6)."""
    if not rubric_code:
        return
    from apps.review.rubric import RubricError, load_rubric, rubric_check_jurisdiction

    try:
        rubric_check_jurisdiction(load_rubric(rubric_code), jurisdiction)
    except RubricError as error:
        raise ValidationError({"rubric_code": str(error)}) from None


def _check_call_rules(call: AnnualCall) -> None:
    """The rules the call's database constraints hold (call_window_in_order,
    call_amount_limit_within_budget, call_allows_a_type), in words — a constraint's own
    message never reaches the office."""
    errors = {}
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = _("The deadline must be after the opening.")
    limit, total = call.max_amount_per_application, call.budget_total
    if limit is not None and limit <= 0:
        errors["max_amount_per_application"] = _("The amount must be more than zero.")
    elif limit is not None and total is not None and limit > total:
        errors["max_amount_per_application"] = _(
            "The maximum per application is more than the call's budget total."
        )
    if not call.allows_training and not call.allows_promotion:
        errors["allows_training"] = _("Accept training projects, promotion projects or both.")
    if errors:
        raise ValidationError(errors)


def _check_industries(jurisdiction, key_industries) -> None:
    root = jurisdiction.root
    if not key_industries:
        raise ValidationError({"key_industries": _("Choose at least one key industry.")})
    foreign = [i.name for i in key_industries if i.province_id != root.pk]
    if foreign:
        raise ValidationError(
            {
                "key_industries": _("Not key industries determined by %(root)s: %(names)s")
                % {"root": root.name, "names": "、".join(foreign)}
            }
        )


def call_manageable_by(*, user, call: AnnualCall) -> bool:
    return actor_may(user, roles={Role.OFFICE}, level=Level.OWN, subject=call)


def call_transition_consequence(*, call: AnnualCall, action: str) -> str:
    """What publishing or closing does, for the confirmation the office sees first."""
    deadline = date_format(timezone.localtime(call.closes_at), "Y-m-d H:i")
    if action == "publish":
        return _(
            "The call goes on the public call page and applicants can apply until %(deadline)s. "
            "A published call can no longer be edited; a change needs a published adjustment."
        ) % {"deadline": deadline}
    submitted = call.applications.filter(status__in=SUBMITTED_STATUSES).count()
    drafts = call.applications.filter(status=ApplicationStatus.DRAFT).count()
    if timezone.now() < call.closes_at:
        return _(
            "The call closes now, before its deadline of %(deadline)s: applicants can no longer "
            "submit or withdraw. Submitted applications going to the preliminary review: "
            "%(submitted)d; drafts that can no longer be submitted: %(drafts)d. A closed call "
            "cannot be reopened."
        ) % {"deadline": deadline, "submitted": submitted, "drafts": drafts}
    return _(
        "The call closes. Submitted applications going to the preliminary review: "
        "%(submitted)d. A closed call cannot be reopened."
    ) % {"submitted": submitted}


@transaction.atomic
def call_create(*, user, jurisdiction, key_industries, **fields) -> AnnualCall:
    _check_office_of(user, jurisdiction)
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {', '.join(sorted(unknown))}")
    call = AnnualCall(jurisdiction=jurisdiction, created_by=user, **fields)
    _check_rubric(jurisdiction, call.rubric_code)
    _check_call_rules(call)
    _check_industries(jurisdiction, key_industries)
    call.full_clean()
    call.save()
    call.key_industries.set(key_industries)
    return call


@transaction.atomic
def call_update(*, user, call: AnnualCall, key_industries=None, **fields) -> AnnualCall:
    _check_office_of(user, call.jurisdiction)
    if call.status != CallStatus.DRAFT:
        raise ValidationError(
            _("A published call cannot be edited; publish an adjustment instead.")
        )
    for name, value in fields.items():
        if name not in CALL_FIELDS:
            raise TypeError(f"Unknown call field: {name}")
        setattr(call, name, value)
    _check_rubric(call.jurisdiction, call.rubric_code)
    _check_call_rules(call)
    call.full_clean()
    call.save()
    if key_industries is not None:
        _check_industries(call.jurisdiction, key_industries)
        call.key_industries.set(key_industries)
    return call


PUBLICATION_CHECKLIST = "call_publication"


def publication_checklist(call: AnnualCall):
    """What a call states before it is published (apps/checklists/data/call_publication.json)."""
    from apps.checklists.engine import checklist_evaluate

    return checklist_evaluate(code=PUBLICATION_CHECKLIST, subject=call)


@transaction.atomic
def call_publish(*, user, call: AnnualCall) -> AnnualCall:
    _check_office_of(user, call.jurisdiction)
    missing = publication_checklist(call).missing_required
    if missing:
        raise ValidationError(
            [
                _("Before publishing: %(item)s — %(detail)s")
                % {"item": r.item.display_label, "detail": r.detail or _("not given")}
                for r in missing
            ]
        )
    transition_apply(
        table=CALL_WORKFLOW,
        instance=call,
        action="publish",
        user=user,
        changes={"published_at": timezone.now()},
    )
    return call


@transaction.atomic
def call_close(*, user, call: AnnualCall) -> AnnualCall:
    _check_office_of(user, call.jurisdiction)
    transition_apply(table=CALL_WORKFLOW, instance=call, action="close", user=user)
    return call
