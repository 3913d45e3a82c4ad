"""The platform's computed checks for SZ P1–P4, each with its evidence.

A check is (code, label, passed, detail); `passed` is None where the platform cannot decide and
the reviewer must. An indicator passes when all its checks pass, fails when any fails, and is
undecided otherwise.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from apps.accounts.roles import OrganisationKind
from apps.applications.models import SUBMITTED_STATUSES, Application
from apps.applications.services import SEALED_FORM, application_check
from apps.applications.sme import SIZE_LABELS, classify_enterprise

from .models import Indicator

COUNTED_STATUSES = SUBMITTED_STATUSES


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    passed: bool | None
    detail: str


def indicator_verdict(checks: list[dict]) -> bool | None:
    if any(c["passed"] is False for c in checks):
        return False
    if all(c["passed"] is True for c in checks):
        return True
    return None


def _size_check(application: Application) -> Check:
    label = _("Large or medium enterprise, or industry association")
    if application.applicant.kind == OrganisationKind.INDUSTRY_ASSOCIATION:
        return Check("size", label, True, _("Registered industry association: eligible by kind."))
    result = classify_enterprise(
        industry=application.enterprise_industry,
        employees=application.employees,
        revenue_wan=application.revenue_wan,
        assets_wan=application.assets_wan,
    )
    if result.size is None:
        return Check("size", label, None, result.rule)
    return Check("size", label, result.eligible, f"{SIZE_LABELS[result.size]} — {result.rule}")


def eligible_applicant_checks(application: Application) -> list[Check]:
    call = application.call
    in_key = (
        application.industry_id is not None
        and call.key_industries.filter(pk=application.industry_id).exists()
    )
    return [
        _size_check(application),
        Check(
            "registered",
            _("Legally registered locally, independent legal person"),
            application.legally_registered,
            _("As declared in the application."),
        ),
        Check(
            "insured",
            _("Insured locally"),
            application.insured_locally,
            _("As declared in the application."),
        ),
        Check(
            "violations",
            _("No major violations"),
            not application.major_violations,
            _("As declared in the application."),
        ),
        Check(
            "key_industry",
            _("In a key industry of the call"),
            in_key,
            application.industry.name if application.industry_id else _("No industry given."),
        ),
    ]


def formal_checks(application: Application) -> list[Check]:
    call = application.call
    deadline = date_format(localtime(call.closes_at), "Y-m-d H:i")
    on_time = application.submitted_at is not None and application.submitted_at <= call.closes_at
    submitted = (
        date_format(localtime(application.submitted_at), "Y-m-d H:i")
        if application.submitted_at
        else "—"
    )
    problems = application_check(application)
    flat = [m for messages in problems.values() for m in messages]
    scans = [
        a.evidence.title
        for a in application.applicationattachment_set.select_related("evidence")
        if a.kind == SEALED_FORM
    ]
    return [
        Check(
            "on_time",
            _("Submitted on time"),
            on_time,
            _("Submitted %(at)s; deadline %(deadline)s.") % {"at": submitted, "deadline": deadline},
        ),
        Check(
            "complete",
            _("Complete and well-formed"),
            not flat,
            "；".join(flat) if flat else _("Every required section and table is present."),
        ),
        Check(
            "commitment",
            _("Commitment signed and sealed"),
            application.commitment_accepted
            and application.sealed
            and bool(application.commitment_signatory),
            application.commitment_signatory or _("No signatory."),
        ),
        Check(
            "sealed_scan",
            _("Scan of the signed and sealed application form attached"),
            bool(scans),
            "；".join(scans) or _("No scan of the signed and sealed application form is attached."),
        ),
    ]


def _target_check(application, call) -> Check:
    shortfalls = []
    for field, minimum in (
        ("awareness_rate", call.min_awareness_rate),
        ("pass_rate", call.min_pass_rate),
        ("satisfaction_rate", call.min_satisfaction_rate),
    ):
        value = getattr(application, field)
        if minimum is not None and (value is None or value < minimum):
            label = application._meta.get_field(field).verbose_name
            shortfalls.append(f"{label} {value if value is not None else '—'} < {minimum}")
    return Check(
        "targets",
        _("Targets meet the call's requirements"),
        not shortfalls,
        "；".join(shortfalls) or _("All targets meet the call's minimums."),
    )


def _service_scope_check(application, call) -> Check:
    """SZ P3②: the service scope and target groups lie in the call's key industries. The
    applicant names their industries; any outside the call's list fails the check."""
    label = _("Service scope and target groups in the call's key industries")
    named = list(application.service_industries.all())
    called = {industry.pk for industry in call.key_industries.all()}
    values = {
        "scope": application.service_scope or "—",
        "named": "、".join(i.name for i in named),
        "called": "、".join(i.name for i in call.key_industries.all()),
    }
    if not named:
        return Check(
            "service_scope",
            label,
            False,
            _("The application names no industry of its service scope (%(scope)s).") % values,
        )
    outside = [i.name for i in named if i.pk not in called]
    if outside:
        return Check(
            "service_scope",
            label,
            False,
            _(
                "Service scope %(scope)s covers %(outside)s, not a key industry of this call "
                "(called: %(called)s)."
            )
            % {**values, "outside": "、".join(outside)},
        )
    return Check(
        "service_scope",
        label,
        True,
        _("Service scope %(scope)s: %(named)s, all key industries of the call.") % values,
    )


def conformity_checks(application: Application) -> list[Check]:
    call = application.call
    count = Application.unscoped.filter(
        call=call, applicant_id=application.applicant_id, status__in=COUNTED_STATUSES
    ).count()
    requested = application.amount_requested
    within = requested is not None and requested <= call.max_amount_per_application
    return [
        Check(
            "type",
            _("Prevention training or promotion allowed by the call"),
            application.project_type in call.allowed_types,
            application.get_project_type_display(),
        ),
        _service_scope_check(application, call),
        Check(
            "budget",
            _("Budget within the call's limit"),
            within,
            _("%(req)s yuan requested; limit %(limit)s yuan.")
            % {
                "req": requested if requested is not None else "—",
                "limit": call.max_amount_per_application,
            },
        ),
        _target_check(application, call),
        Check(
            "count",
            _("Applications per applicant"),
            count <= call.max_applications_per_applicant,
            _("%(n)d submitted in this call; at most %(max)d allowed.")
            % {"n": count, "max": call.max_applications_per_applicant},
        ),
    ]


def _pair_reaches(pair, threshold: float, figure_threshold: float) -> bool:
    found = getattr(pair, "found", None)
    if found is None:  # stored without the engine's measures
        return pair.score >= threshold
    return found.reaches(threshold, figure_threshold)


def _pair_evidence(pair) -> str:
    found = getattr(pair, "found", None)
    name = f"{pair.other.number} {pair.other.applicant.name}"
    if found is None or found.basis != "figures":
        return _("%(other)s: %(share)s of the own text") % {
            "other": name,
            "share": f"{pair.score:.0%}",
        }
    return _("%(other)s: %(share)s of the figures (%(shared)d figures the same)") % {
        "other": name,
        "share": f"{found.figure_score:.0%}",
        "shared": found.shared_figures,
    }


def copying_checks(application: Application, pairs, own_text: int | None = None) -> list[Check]:
    """SZ P4 (雷同). Fails when the own text or the figures of another unit's application
    coincide above the call's thresholds; "cannot assess" (None, the reviewer decides) when too
    little own text remains once the call's common text is set aside and no figures coincide;
    passes otherwise. ``own_text``: the application's own text in shingles (None: unknown)."""
    call = application.call
    threshold = float(call.similarity_threshold)
    figure_threshold = float(call.similarity_figure_threshold)
    label = _("Not substantially the same as another application")
    mine = sorted(pairs, key=lambda p: p.score, reverse=True)
    hits = [p for p in mine if _pair_reaches(p, threshold, figure_threshold)]
    if hits:
        return [Check("similarity", label, False, "；".join(_pair_evidence(p) for p in hits[:5]))]
    near = "；".join(_pair_evidence(p) for p in mine[:5])
    if own_text is not None and own_text < call.similarity_min_own_text:
        detail = _(
            "Cannot assess: about %(own)d characters of the application's own text remain once "
            "the text common to the call's applications (template, regulations) is set aside, "
            "fewer than the %(min)d this call needs to compare texts. Its figures were compared "
            "and coincide with no other application's above %(ft)s. The reviewer decides."
        ) % {"own": own_text, "min": call.similarity_min_own_text, "ft": figure_threshold}
        return [Check("similarity", label, None, detail + (f"（{near}）" if near else ""))]
    detail = _(
        "No other application above the thresholds of this call (own text %(t)s, figures %(ft)s)."
    ) % {"t": threshold, "ft": figure_threshold}
    return [Check("similarity", label, True, detail + (f"（{near}）" if near else ""))]


def all_checks(
    application: Application, pairs, *, own_text: int | None = None
) -> dict[str, list[dict]]:
    """Written in the platform's language whoever runs them, like the deadline findings: the
    applicant reads them as the reasons of a rejection (SZ 初评)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            Indicator.ELIGIBLE_APPLICANT: [
                asdict(c) for c in eligible_applicant_checks(application)
            ],
            Indicator.FORMAL_COMPLETENESS: [asdict(c) for c in formal_checks(application)],
            Indicator.PROJECT_CONFORMITY: [asdict(c) for c in conformity_checks(application)],
            Indicator.NO_COPYING: [asdict(c) for c in copying_checks(application, pairs, own_text)],
        }


def failed_checks_text(checks: list[dict]) -> str:
    """The failed checks of an indicator as a reason: "label: detail；…" (already in the
    platform's language)."""
    return "；".join(f"{c['label']}：{c['detail']}" for c in checks if c["passed"] is False)
