"""How the acceptance materials of HB §22 are met by what the platform already holds
(管理平台已有的材料不必重复上传). The subject is the project; the context may carry the
acceptance `application` (None before the agency applies).

- `acceptance_procurement` (value: document kinds, comma-separated): the procurement filing's
  documents (HB §11) — tender, winning bid and award notice, the agreement, the plan;
- `acceptance_record` (value: what): training archives, recordings, the check-in data package,
  materials, distribution and broadcast records, fund use with the monthly reports, and this
  app's own records (application form, evaluation report, audit opinion, acceptance form).
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.checklists.engine import Satisfaction, satisfier


def _documents(project, context: dict) -> dict:
    present = context.get("procurement_documents")
    if present is None:
        from apps.procurement.models import ProcurementDocument

        present = {}
        documents = (
            ProcurementDocument.objects.filter(
                Q(procurement__project=project) | Q(procurement__lot__projects=project)
            )
            .select_related("evidence")
            .order_by("pk")
        )
        for document in documents:
            present.setdefault(document.kind, document)
        context["procurement_documents"] = present
    return present


def _evidence_link(evidence) -> tuple[str, str]:
    return (evidence.title, reverse("evidence:detail", args=[evidence.pk]))


@satisfier("acceptance_procurement")
def acceptance_procurement(project, value: str, context: dict) -> Satisfaction:
    from apps.procurement.models import DocumentKind

    present = _documents(project, context)
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    missing = [str(DocumentKind(k).label) for k in kinds if k not in present]
    links = tuple(_evidence_link(present[k].evidence) for k in kinds if k in present)
    if missing:
        return Satisfaction(False, _("Missing: %(what)s.") % {"what": "、".join(missing)}, links)
    return Satisfaction(True, _("On the platform (procurement filing)."), links)


def _count(n: int, found: str, links=()) -> Satisfaction:
    if not n:
        return Satisfaction(False, _("None on the platform yet."), tuple(links))
    return Satisfaction(True, found % {"n": n}, tuple(links))


def _training_records(project):
    from apps.training.models import ExamResult, Trainee

    trainees = Trainee.unscoped.filter(project=project).count()
    exams = ExamResult.unscoped.filter(trainee__project=project).count()
    link = (_("Training: classes, rosters, hours"), reverse("training:project", args=[project.pk]))
    if not trainees:
        return Satisfaction(False, _("No trainees on the roster yet."), (link,))
    if not exams:
        return Satisfaction(
            False,
            ngettext(
                "%(n)d trainee on the roster, no exam results yet.",
                "%(n)d trainees on the roster, no exam results yet.",
                trainees,
            )
            % {"n": trainees},
            (link,),
        )
    return Satisfaction(
        True,
        _("Trainees with hours: %(n)d; exam results: %(e)d.") % {"n": trainees, "e": exams},
        (link,),
    )


def _recordings(project):
    from apps.training.models import Session
    from apps.training.recordings_models import Recording

    sessions = Session.unscoped.filter(training_class__project=project)
    total = sessions.count()
    recorded = Recording.unscoped.filter(session__in=sessions).values("session").distinct().count()
    link = (
        _("Training sessions and their recordings"),
        reverse("training:project", args=[project.pk]),
    )
    if not total:
        return Satisfaction(False, _("No offline sessions yet."), (link,))
    if recorded < total:
        return Satisfaction(
            False,
            _("Sessions with a recording: %(r)d of %(n)d.") % {"r": recorded, "n": total},
            (link,),
        )
    return Satisfaction(True, _("Every session (%(n)d) has its recording.") % {"n": total}, (link,))


def _attendance_package(project):
    from apps.training.models import AttendanceRecord

    n = AttendanceRecord.unscoped.filter(session__training_class__project=project).count()
    link = (
        _("Check-in and check-out data package (zip)"),
        reverse("training:export", args=[project.pk]),
    )
    found = ngettext(
        "%(n)d check-in or check-out record in the data package.",
        "%(n)d check-in and check-out records in the data package.",
        n,
    )
    return _count(n, found, [link] if n else [])


def _materials(project):
    from apps.implementation.models import PackageFile

    files = PackageFile.objects.filter(
        package__project=project, item_code__in=("materials", "works", "samples")
    ).select_related("evidence")
    links = [_evidence_link(f.evidence) for f in files]
    links.append((_("Pre-start package"), reverse("implementation:package", args=[project.pk])))
    n = len(links) - 1
    found = ngettext(
        "%(n)d file of the pre-start package.", "%(n)d files of the pre-start package.", n
    )
    return _count(n, found, links)


def _samples(project) -> list[tuple[str, str]]:
    """The samples of the works the pre-start package holds (HB §13 (二))."""
    from apps.implementation.models import PackageFile

    files = PackageFile.objects.filter(package__project=project, item_code="samples")
    return [_evidence_link(f.evidence) for f in files.select_related("evidence")]


def _promotion(project, kind: str):
    from apps.implementation.models import PromotionRecord

    records = PromotionRecord.unscoped.filter(project=project, kind__in=kind.split("|"))
    n = records.count()
    with_proof = records.filter(proofs__isnull=False).distinct().count()
    link = (_("Promotion records"), reverse("implementation:promotion", args=[project.pk]))
    if n and with_proof < n:
        return Satisfaction(
            False,
            _("Records with their proofs (photos, broadcast proofs): %(p)d of %(n)d.")
            % {"p": with_proof, "n": n},
            (link,),
        )
    found = ngettext("%(n)d record with its proofs.", "%(n)d records with their proofs.", n)
    return _count(n, found, [link])


def _funds_audit(project, application):
    from apps.implementation.models import FundsDirection, FundsEntry, MonthlyReport

    spent = FundsEntry.unscoped.filter(project=project, direction=FundsDirection.SPENT).count()
    reports = MonthlyReport.unscoped.filter(project=project, status="submitted").count()
    links = [
        (
            _("Fund receipts and spending with vouchers"),
            reverse("implementation:funds", args=[project.pk]),
        ),
        (_("Monthly reports"), reverse("implementation:reports", args=[project.pk])),
    ]
    audit = getattr(application, "audit_opinion", None) if application is not None else None
    if audit is not None:
        links.append(_evidence_link(audit.evidence))
    missing = []
    if not spent:
        missing.append(_("no spending recorded"))
    if audit is None:
        missing.append(_("no audit opinion yet"))
    detail = _("Spending entries with vouchers: %(s)d; monthly reports: %(r)d.") % {
        "s": spent,
        "r": reports,
    }
    if missing:
        return Satisfaction(False, f"{detail} {'；'.join(str(m) for m in missing)}", tuple(links))
    return Satisfaction(True, detail, tuple(links))


def _acceptance_form(project, application):
    report = getattr(application, "evaluation_report", None) if application else None
    if application is None or report is None or application.decided_at is None:
        return Satisfaction(
            False,
            _(
                "Filled in by the experts, the evaluation agency and the office once they have "
                "given their opinions."
            ),
        )
    return Satisfaction(
        True,
        _("The experts', evaluation agency's and office's opinions are recorded."),
        (
            (
                _("Acceptance form (PDF, four copies)"),
                reverse("acceptance:form", args=[application.pk, "pdf"]),
            ),
        ),
    )


@satisfier("acceptance_record")
def acceptance_record(project, value: str, context: dict) -> Satisfaction:
    application = context.get("application")
    if value == "training_records":
        return _training_records(project)
    if value == "recordings":
        return _recordings(project)
    if value == "attendance_package":
        return _attendance_package(project)
    if value == "materials":
        return _materials(project)
    if value == "distribution":
        return _promotion(project, "distribution|session")
    if value == "broadcast":
        outcome = _promotion(project, "broadcast")
        samples = _samples(project)
        return Satisfaction(
            outcome.met and bool(samples),
            outcome.detail if samples else f"{outcome.detail} {_('No samples of the works yet.')}",
            tuple(samples) + outcome.links,
        )
    if value == "funds_audit":
        return _funds_audit(project, application)
    if value == "application_form":
        if application is None:
            return Satisfaction(False, _("Uploaded with the application."))
        return Satisfaction(
            True, _("On the platform."), (_evidence_link(application.form_document),)
        )
    if value == "evaluation_report":
        report = getattr(application, "evaluation_report", None) if application else None
        if report is None:
            return Satisfaction(False, _("Not recorded by the evaluation agency yet."))
        return Satisfaction(
            True, str(report.get_verdict_display()), (_evidence_link(report.evidence),)
        )
    if value == "acceptance_form":
        return _acceptance_form(project, application)
    raise ValueError(f"unknown acceptance record {value!r}")
