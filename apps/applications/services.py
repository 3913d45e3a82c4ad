"""Writes of an application: draft, edit, submit once, withdraw before the deadline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.roles import OrganisationKind, Role
from apps.audit.forms import audit_form
from apps.calls.models import AnnualCall, CallStatus
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable, transition_apply

from .models import (
    SUBMITTED_STATUSES,
    Application,
    ApplicationStatus,
    BudgetLine,
    InsuranceYear,
    PastProject,
    PlanStage,
    TeamMember,
)
from .validation import application_problems

APPLICANT_KINDS = {OrganisationKind.APPLICANT_ENTERPRISE, OrganisationKind.INDUSTRY_ASSOCIATION}

APPLICATION_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "submit",
            ApplicationStatus.DRAFT,
            ApplicationStatus.SUBMITTED,
            {Role.APPLICANT},
            Level.ORGANISATION,
            clause="HB §5",
        ),
        Transition(
            "withdraw",
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.WITHDRAWN,
            {Role.APPLICANT},
            Level.ORGANISATION,
            clause="HB §5",
        ),
        Transition(
            "pass_screening",
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.SCREENING_PASSED,
            {Role.OFFICE},
        ),
        Transition(
            "fail_screening",
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.SCREENING_FAILED,
            {Role.OFFICE},
            note_required=True,
        ),
        # A decision revised with its reason while the call's screening round is open.
        Transition(
            "revise_pass_screening",
            ApplicationStatus.SCREENING_FAILED,
            ApplicationStatus.SCREENING_PASSED,
            {Role.OFFICE},
            note_required=True,
        ),
        Transition(
            "revise_fail_screening",
            ApplicationStatus.SCREENING_PASSED,
            ApplicationStatus.SCREENING_FAILED,
            {Role.OFFICE},
            note_required=True,
        ),
    ],
)

CHILD_TABLES = {
    "insurance_years": InsuranceYear,
    "team": TeamMember,
    "past_projects": PastProject,
    "stages": PlanStage,
    "budget_lines": BudgetLine,
}
_NOT_ON_THE_FORM = {
    "id",
    "call",
    "applicant",
    "number",
    "status",
    "submitted_at",
    "created_by",
    "created_at",
    "updated_at",
}
FORM_FIELDS = (
    *(f.name for f in Application._meta.concrete_fields if f.name not in _NOT_ON_THE_FORM),
    "service_industries",
)


def _check_applicant(user) -> None:
    if user.role != Role.APPLICANT or user.organisation.kind not in APPLICANT_KINDS:
        raise PermissionDenied(_("Only applicant enterprises and industry associations apply."))


def _check_own_draft(user, application) -> None:
    _check_applicant(user)
    if application.applicant_id != user.organisation_id:
        raise PermissionDenied(_("This application belongs to another applicant."))
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("A submitted application can no longer be changed."))


def _deadline_text(call: AnnualCall) -> str:
    return date_format(timezone.localtime(call.closes_at), "Y-m-d H:i")


def _next_number(call: AnnualCall) -> str:
    prefix = f"{call.jurisdiction.code}-{call.year}-"
    last = (
        Application.unscoped.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


@transaction.atomic
def application_create(
    *, user, call: AnnualCall, project_name: str, project_type: str
) -> Application:
    _check_applicant(user)
    if call.status != CallStatus.PUBLISHED:
        raise ValidationError(_("This call is not open for applications."))
    if timezone.now() > call.closes_at:
        raise ValidationError(
            _("The deadline of this call was %(deadline)s.") % {"deadline": _deadline_text(call)}
        )
    application = Application(
        call=call,
        applicant=user.organisation,
        created_by=user,
        number=_next_number(call),
        project_name=project_name,
        project_type=project_type,
    )
    application.full_clean(exclude=["industry"])
    application.save()
    return application


def _row_problems(row: dict) -> list[str]:
    """The rules the row tables' database constraints hold (stage_dates_in_order,
    budget_line_positive), in words — a constraint's own message never reaches the user."""
    problems = []
    start, end = row.get("start_date"), row.get("end_date")
    if start and end and end < start:
        problems.append(_("the end date is before the start date."))
    for name, label in (("unit_cost", _("unit cost")), ("quantity", _("quantity"))):
        if name in row and row[name] is not None and row[name] <= 0:
            problems.append(_("the %(field)s must be greater than zero.") % {"field": label})
    return problems


def _table_problems(model, rows: list[dict]) -> list[str]:
    """The rules across a table's rows that its unique constraints hold (one_project_leader,
    one_figure_row_per_year), in words — checked before the old rows are replaced."""
    if model is TeamMember and sum(1 for row in rows if row.get("is_leader")) > 1:
        return [_("Name only one project leader.")]
    if model is InsuranceYear:
        years = [row["year"] for row in rows if row.get("year") is not None]
        if len(years) != len(set(years)):
            return [_("Give each year's figures in one row only.")]
    return []


def _replace_rows(application, model, rows: list[dict]) -> list:
    problems = _table_problems(model, rows)
    if problems:
        raise ValidationError({model._meta.verbose_name: problems})
    model.objects.filter(application=application).delete()
    objects = []
    for index, row in enumerate(rows):
        problems = _row_problems(row)
        if problems:
            raise ValidationError(
                {model._meta.verbose_name: [f"#{index + 1}: {m}" for m in problems]}
            )
        obj = model(application=application, **row)
        try:
            obj.full_clean(exclude=["application"])
        except ValidationError as exc:
            raise ValidationError(
                {model._meta.verbose_name: [f"#{index + 1}: {m}" for m in exc.messages]}
            ) from exc
        obj.save()
        objects.append(obj)
    return objects


def _check_past_projects(rows: list[dict]) -> None:
    today = timezone.localdate()
    for row in rows:
        if row["completed_on"] > today:
            raise ValidationError(
                {"past_projects": _("“%(name)s” is dated in the future.") % {"name": row["name"]}}
            )


@transaction.atomic
def application_update(
    *, user, application: Application, fields: dict | None = None, **tables: list[dict]
) -> Application:
    """Saves a draft: the form fields and, for each table given, its full new set of rows."""
    _check_own_draft(user, application)
    fields = dict(fields or {})
    service_industries = fields.pop("service_industries", None)
    for name, value in fields.items():
        if name not in FORM_FIELDS:
            raise TypeError(f"Unknown application field: {name}")
        setattr(application, name, value)
    if (
        application.industry_id
        and not application.call.key_industries.filter(pk=application.industry_id).exists()
    ):
        raise ValidationError({"industry": _("Choose one of the key industries of the call.")})
    if (
        application.start_date
        and application.end_date
        and application.end_date < application.start_date
    ):
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if application.amount_requested is not None and application.amount_requested <= 0:
        raise ValidationError({"amount_requested": _("The amount must be more than zero.")})
    application.full_clean()
    # One audit entry for the draft saved: its fields and its tables' rows before and after.
    with audit_form(application):
        application.save()
        if service_industries is not None:
            _set_service_industries(application, list(service_industries))
        for name, rows in tables.items():
            if name not in CHILD_TABLES:
                raise TypeError(f"Unknown application table: {name}")
            if name == "past_projects":
                _check_past_projects(rows)
            _replace_rows(application, CHILD_TABLES[name], rows)
    return application


def _set_service_industries(application: Application, industries: list) -> None:
    """Any key industry of the province may be named (the call may call only some of them:
    that is for the preliminary review to find, SZ P3②), but nothing from another province."""
    root = application.call.jurisdiction.root
    foreign = [i.name for i in industries if i.province_id != root.pk]
    if foreign:
        raise ValidationError(
            {
                "service_industries": _("Not key industries determined by %(root)s: %(names)s")
                % {"root": root.name, "names": "、".join(foreign)}
            }
        )
    application.service_industries.set(industries)


def application_check(application: Application) -> dict[str, list[str]]:
    """Every problem that would stop the application from being submitted.

    Reads the tables afresh: the caller's instance may carry prefetched rows from before
    the last save."""
    rows = {
        name: list(model.objects.filter(application=application))
        for name, model in CHILD_TABLES.items()
    }
    return application_problems(
        application,
        stages=rows["stages"],
        lines=rows["budget_lines"],
        years=rows["insurance_years"],
        members=rows["team"],
    )


@transaction.atomic
def application_submit(*, user, application: Application) -> Application:
    _check_own_draft(user, application)
    call = application.call
    now = timezone.now()
    if call.status != CallStatus.PUBLISHED or now > call.closes_at:
        raise ValidationError(
            _("Submission refused: the deadline was %(deadline)s.")
            % {"deadline": _deadline_text(call)}
        )
    if now < call.opens_at:
        raise ValidationError(
            _("Applications open on %(opens)s.")
            % {"opens": date_format(timezone.localtime(call.opens_at), "Y-m-d H:i")}
        )
    problems = application_check(application)
    if problems:
        raise ValidationError(problems)
    _check_applications_per_applicant(application)
    transition_apply(table=APPLICATION_WORKFLOW, instance=application, action="submit", user=user)
    application.submitted_at = now
    application.save(update_fields=["submitted_at"])
    return application


def _check_applications_per_applicant(application: Application) -> None:
    """SZ P3④: the call sets how many applications one applicant may submit. Refused here,
    naming the other application, rather than accepted and then failed at screening.

    Locks the applicant's applications of the call first, so that two submissions at the same
    moment are counted one after the other."""
    call = application.call
    mine = Application.unscoped.filter(call=call, applicant_id=application.applicant_id)
    list(mine.select_for_update().values_list("pk", flat=True))
    others = list(
        mine.filter(status__in=SUBMITTED_STATUSES)
        .exclude(pk=application.pk)
        .order_by("number")
        .values_list("number", "project_name")
    )
    if len(others) >= call.max_applications_per_applicant:
        raise ValidationError(
            ngettext(
                "This call accepts %(max)d application per applicant, and you have already "
                "submitted %(others)s. Withdraw it before the deadline to submit this one "
                "instead.",
                "This call accepts at most %(max)d applications per applicant, and you have "
                "already submitted %(others)s. Withdraw one of them before the deadline to "
                "submit this one.",
                call.max_applications_per_applicant,
            )
            % {
                "max": call.max_applications_per_applicant,
                "others": "、".join(f"{number}「{name}」" for number, name in others),
            },
            code="applications_per_applicant",
        )


@transaction.atomic
def application_withdraw(*, user, application: Application) -> Application:
    _check_applicant(user)
    if application.applicant_id != user.organisation_id:
        raise PermissionDenied(_("This application belongs to another applicant."))
    if application.call.status != CallStatus.PUBLISHED:
        # A call closed early ends withdrawals too, as its confirmation told the office.
        raise ValidationError(_("The call is closed; the application can no longer be withdrawn."))
    if timezone.now() > application.call.closes_at:
        raise ValidationError(
            _("The deadline (%(deadline)s) has passed; the application can no longer be withdrawn.")
            % {"deadline": _deadline_text(application.call)}
        )
    transition_apply(table=APPLICATION_WORKFLOW, instance=application, action="withdraw", user=user)
    return application


# The scan of the application form with signature and seal: SZ P2② checks that it is there.
SEALED_FORM = "sealed_form"
ATTACHMENT_KINDS = {
    SEALED_FORM: "盖章的申请表扫描件",
    "business_licence": "营业执照",
    "insurance_certificate": "参保证明",
    "qualification": "资质证书",
    "other": "其他附件",
}


@transaction.atomic
def application_attachment_add(*, user, application: Application, kind: str, uploaded_file):
    """附件: a scan or certificate, stored in the evidence store and linked to the draft."""
    from apps.evidence.services import evidence_upload

    from .models import ApplicationAttachment

    _check_own_draft(user, application)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationError({"kind": _("Unknown kind of attachment.")})
    version = evidence_upload(
        uploaded_by=user,
        uploaded_file=uploaded_file,
        purpose="general",
        title=f"{application.number} {ATTACHMENT_KINDS[kind]}",
        jurisdiction=application.call.jurisdiction,
        organisation=application.applicant,
    )
    return ApplicationAttachment.objects.create(
        application=application, kind=kind, evidence=version.evidence_file
    )
