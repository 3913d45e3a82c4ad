"""Adjustments of a published arrangement (HB §7): requested by an office, consented to or
refused by the province member unit, published as a new current entry (the original kept)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind, Role
from apps.core.levels import Level, level_require
from apps.core.workflow import transition_apply
from apps.projects.models import ProjectStage
from apps.projects.services import project_create

from ..models import (
    Adjustment,
    AdjustmentKind,
    AnnualArrangement,
    ArrangementEntry,
    ArrangementStatus,
)
from ..workflow import ADJUSTMENT_WORKFLOW
from .budget_years import _budget_years_create, _budget_years_replan
from .common import (
    PROCUREMENT_ITEMS,
    PROJECT_TYPES,
    _check_own_level,
    _money,
    _required,
    _step,
    fund_message,
)

ZERO = Decimal("0")


def _next_adjustment_number(arrangement: AnnualArrangement) -> str:
    prefix = f"TZ-{arrangement.province.code}-{arrangement.year}-"
    last = (
        Adjustment.unscoped.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:03d}"


def _check_funds(arrangement, jurisdiction, delta: Decimal, field: str = "new_amount") -> None:
    """An added project, or a changed amount, stays within the year's fund total of its city
    and of the province (HB §6, §8): the current entries plus the change."""
    if not delta or delta < 0:
        return
    current = ArrangementEntry.unscoped.filter(arrangement=arrangement, is_current=True)
    city_sum = sum((e.amount for e in current if e.jurisdiction_id == jurisdiction.pk), ZERO)
    whole = sum((e.amount for e in current), ZERO)
    messages = [
        message
        for message in (
            fund_message(jurisdiction, arrangement.year, city_sum + delta),
            fund_message(arrangement.province, arrangement.year, whole + delta)
            if arrangement.province_id != jurisdiction.pk
            else None,
        )
        if message
    ]
    if messages:
        raise ValidationError({field: messages})


def _delta(kind, entry, amount) -> Decimal:
    if amount is None:
        return ZERO
    if kind == AdjustmentKind.ADD:
        return amount
    return amount - entry.amount if entry is not None else ZERO


def _entry_summary(entry: ArrangementEntry) -> str:
    return (
        f"{entry.project_name}；{entry.applicant_name}；{entry.amount} 元；"
        f"{entry.start_date:%Y-%m-%d}—{entry.end_date:%Y-%m-%d}；{entry.procurement_item}"
    )


@transaction.atomic
def adjustment_request(
    *,
    user,
    arrangement: AnnualArrangement,
    kind: str,
    ground: str,
    subject: str,
    after_text: str,
    reason: str,
    consenting_unit: Organisation | None,
    entry: ArrangementEntry | None = None,
    before_text: str = "",
    new_project_name: str = "",
    new_applicant: Organisation | None = None,
    new_project_type: str = "",
    new_amount=None,
    new_start_date: datetime.date | None = None,
    new_end_date: datetime.date | None = None,
    new_procurement_item: str = "",
) -> Adjustment:
    """An office asks to add a project, or to change one of its own projects or its
    procurement item: what changes, before and after, and why."""
    errors: dict = {}
    if arrangement.status != ArrangementStatus.PUBLISHED:
        raise ValidationError(_("Only a published arrangement is adjusted."))
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": _("Choose what kind of adjustment it is.")})
    if kind == AdjustmentKind.ADD:
        jurisdiction = user.organisation.jurisdiction if user.organisation_id else None
        if entry is not None:
            errors["entry"] = _("An added project changes no existing entry.")
    else:
        if entry is None or entry.arrangement_id != arrangement.pk:
            raise ValidationError({"entry": _("Choose the entry of this arrangement to change.")})
        if not entry.is_current:
            raise ValidationError(
                {"entry": _("This entry was already changed; adjust its current version.")}
            )
        jurisdiction = entry.jurisdiction
    if jurisdiction is None or not jurisdiction.path.startswith(arrangement.province.path):
        raise PermissionDenied(_("Only an office of this province adjusts its arrangement."))
    _check_own_level(user, jurisdiction, Role.OFFICE)
    if ground not in ("national_rule", "provincial_rule", "special"):
        errors["ground"] = _(
            "Say whether a national or provincial rule, or special circumstances require it."
        )
    subject = _required(errors, "subject", subject, _("Say what changes."))
    after_text = _required(errors, "after_text", after_text, _("Describe the situation after."))
    reason = _required(errors, "reason", reason, _("Give the reason for the adjustment."))
    if (
        consenting_unit is None
        or consenting_unit.kind != OrganisationKind.MEMBER_UNIT
        or consenting_unit.jurisdiction_id != arrangement.province_id
        or not consenting_unit.is_active
    ):
        errors["consenting_unit"] = _(
            "Choose the province member unit whose consent the adjustment needs."
        )
    amount = None
    if new_amount not in (None, ""):
        amount = _money(new_amount, "new_amount", errors)
        if amount is not None and amount <= 0:
            errors["new_amount"] = _("The amount must be more than zero.")
    if kind == AdjustmentKind.ADD:
        new_project_name = _required(
            errors, "new_project_name", new_project_name, _("Name the added project.")
        )
        if new_applicant is None or not new_applicant.jurisdiction.path.startswith(
            jurisdiction.path
        ):
            errors["new_applicant"] = _("Choose the applicant of the added project.")
        if new_project_type not in PROJECT_TYPES:
            errors["new_project_type"] = _("Choose training or promotion.")
        if amount is None and "new_amount" not in errors:
            errors["new_amount"] = _("Give the amount of the added project.")
        if not new_start_date or not new_end_date:
            errors["new_end_date"] = _("Give the start and end dates of the added project.")
    if kind == AdjustmentKind.PROCUREMENT_ITEM:
        new_procurement_item = _required(
            errors,
            "new_procurement_item",
            new_procurement_item,
            _("Give the new procurement item."),
        )
    if kind == AdjustmentKind.CHANGE and not (
        new_project_name.strip() or amount is not None or new_start_date or new_end_date
    ):
        errors["after_text"] = errors.get("after_text") or _(
            "Change the name, the amount or the schedule (a procurement item is its own kind)."
        )
    if kind != AdjustmentKind.ADD and entry is not None:
        start = new_start_date or entry.start_date
        end = new_end_date or entry.end_date
    else:
        start, end = new_start_date, new_end_date
    if start and end and end < start:
        errors["new_end_date"] = _("The end date lies before the start date.")
    if errors:
        raise ValidationError(errors)
    _check_funds(arrangement, jurisdiction, _delta(kind, entry, amount))
    return Adjustment.objects.create(
        arrangement=arrangement,
        jurisdiction=jurisdiction,
        number=_next_adjustment_number(arrangement),
        kind=kind,
        ground=ground,
        entry=entry,
        subject=subject,
        before_text=before_text.strip() or (_entry_summary(entry) if entry else ""),
        after_text=after_text,
        reason=reason,
        new_project_name=new_project_name.strip(),
        new_applicant=new_applicant if kind == AdjustmentKind.ADD else None,
        new_project_type=new_project_type if kind == AdjustmentKind.ADD else "",
        new_amount=amount,
        new_start_date=new_start_date,
        new_end_date=new_end_date,
        new_procurement_item=new_procurement_item.strip(),
        consenting_unit=consenting_unit,
        requested_by=user,
        requested_at=timezone.now(),
    )


@transaction.atomic
def adjustment_decide_consent(
    *, user, adjustment: Adjustment, consent: bool, note: str = "", document_upload=None
) -> Adjustment:
    """The province member unit concerned consents, or refuses with its reason."""
    from apps.evidence.services import evidence_upload

    level_require(
        user,
        roles={Role.MEMBER_UNIT},
        level=Level.ORGANISATION,
        subject=adjustment,
        message=_("Only %(unit)s decides on this adjustment.")
        % {"unit": adjustment.consenting_unit},
    )
    # The opinion is written first: the refusal's row constraint needs its reason in place.
    adjustment.consent_by = user
    adjustment.consent_at = timezone.now()
    adjustment.consent_note = note.strip()
    adjustment.save(update_fields=["consent_by", "consent_at", "consent_note"])
    transition_apply(
        table=ADJUSTMENT_WORKFLOW,
        instance=adjustment,
        action="consent" if consent else "refuse",
        user=user,
        note=note,
    )
    if document_upload is not None:
        version = evidence_upload(
            uploaded_by=user,
            uploaded_file=document_upload,
            purpose="general",
            title=f"{adjustment.number} 成员单位意见",
            jurisdiction=adjustment.arrangement.province,
        )
        adjustment.consent_document = version.evidence_file
        adjustment.save(update_fields=["consent_document"])
    return adjustment


def _entry_position(arrangement) -> int:
    last = ArrangementEntry.unscoped.filter(arrangement=arrangement).aggregate(m=Max("position"))
    return (last["m"] or 0) + 1


@transaction.atomic
def adjustment_publish(
    *, user, adjustment: Adjustment, today: datetime.date | None = None
) -> Adjustment:
    """调整后由领导小组办公室上传至管理平台并向社会公布: the change takes effect in the
    arrangement — a new current entry; the original entry stays, marked as superseded."""
    today = today or timezone.localdate()
    _step(
        table=ADJUSTMENT_WORKFLOW,
        instance=adjustment,
        action="publish",
        user=user,
    )
    arrangement = adjustment.arrangement
    # The totals may have moved since the request (another adjustment published meanwhile).
    entry = adjustment.entry if adjustment.kind != AdjustmentKind.ADD else None
    _check_funds(
        arrangement, adjustment.jurisdiction, _delta(adjustment.kind, entry, adjustment.new_amount)
    )
    if adjustment.kind == AdjustmentKind.ADD:
        project = project_create(
            code=f"XM-{adjustment.number}",
            name=adjustment.new_project_name,
            year=arrangement.year,
            project_type=adjustment.new_project_type,
            jurisdiction=adjustment.jurisdiction,
            applicant=adjustment.new_applicant,
            stage=ProjectStage.ARRANGED,
            budget_amount=adjustment.new_amount,
            since=today,
        )
        _budget_years_create(project, adjustment.new_start_date, adjustment.new_end_date)
        ArrangementEntry.objects.create(
            arrangement=arrangement,
            jurisdiction=adjustment.jurisdiction,
            project=project,
            position=_entry_position(arrangement),
            project_name=project.name,
            applicant_name=adjustment.new_applicant.name,
            project_type=project.project_type,
            procurement_item=adjustment.new_procurement_item
            or PROCUREMENT_ITEMS[project.project_type],
            amount=adjustment.new_amount,
            start_date=adjustment.new_start_date,
            end_date=adjustment.new_end_date,
            adjustment=adjustment,
        )
    else:
        old = ArrangementEntry.unscoped.select_for_update().get(pk=adjustment.entry_id)
        if not old.is_current:
            raise ValidationError(
                _("The entry was changed by another adjustment since; request it again.")
            )
        project = old.project
        new = ArrangementEntry(
            arrangement=arrangement,
            jurisdiction=old.jurisdiction,
            project=project,
            filed_project=old.filed_project,
            position=old.position,
            project_name=adjustment.new_project_name or old.project_name,
            applicant_name=old.applicant_name,
            project_type=old.project_type,
            industry_name=old.industry_name,
            procurement_item=adjustment.new_procurement_item or old.procurement_item,
            amount=adjustment.new_amount or old.amount,
            start_date=adjustment.new_start_date or old.start_date,
            end_date=adjustment.new_end_date or old.end_date,
            replaces=old,
            adjustment=adjustment,
        )
        old.is_current = False
        old.save(update_fields=["is_current"])
        new.save()
        changed = []
        if new.project_name != project.name:
            project.name = new.project_name
            changed.append("name")
        if new.amount != project.budget_amount:
            project.budget_amount = new.amount
            changed.append("budget_amount")
        if changed:
            project.save(update_fields=changed)
        if "budget_amount" in changed or (new.start_date, new.end_date) != (
            old.start_date,
            old.end_date,
        ):
            _budget_years_replan(project, new.start_date, new.end_date, today)
    adjustment.project = project
    adjustment.published_by = user
    adjustment.published_at = timezone.now()
    adjustment.save(update_fields=["project", "published_by", "published_at"])
    return adjustment
