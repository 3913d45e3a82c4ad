"""Reads of the evidence store; every one starts from the user's scope."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import EvidenceFile, EvidenceVersion
from .purposes import purpose_label, role_owns_purpose
from .records import evidence_closed_record


def evidence_list(
    *, user, project=None, organisation=None, purpose: str | None = None
) -> QuerySet[EvidenceFile]:
    """Evidence files the user may see, with what a list shows joined in (no N+1)."""
    qs = EvidenceFile.objects.for_user(user).select_related(
        "jurisdiction",
        "project",
        "organisation",
        "created_by",
        "current_version__blob",
        "current_version__uploaded_by",
    )
    if project is not None:
        qs = qs.filter(project=project)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.order_by("-created_at", "-pk")


def evidence_file_get(*, user, pk: int) -> EvidenceFile:
    """One visible evidence file; raises EvidenceFile.DoesNotExist otherwise (views: 404)."""
    return evidence_list(user=user).get(pk=pk)


def evidence_versions(*, evidence_file: EvidenceFile) -> QuerySet[EvidenceVersion]:
    """All versions of a file the caller has already resolved through the user's scope."""
    return (
        EvidenceVersion.objects.filter(evidence_file=evidence_file)
        .select_related("blob", "uploaded_by")
        .order_by("-number")
    )


@dataclass(frozen=True)
class ReplaceRefusal:
    """Why a user may not put a new version of a file. `forbidden`: who asks (403); otherwise
    the state of the record the file supports (400)."""

    message: str
    code: str
    forbidden: bool


def evidence_replace_refusal(*, user, evidence_file: EvidenceFile) -> ReplaceRefusal | None:
    """None if `user` may put a new version of a file it can see (OWASP ASVS 5.0 8.2.2,
    GB/T 22239-2019 8.1.4.2): its organisation uploaded the current version, its role files
    documents of that purpose (`purposes.ROLE_PURPOSES`), and every record the file supports
    is still open (`records`). Superusers get no exemption: a system administrator does not
    rewrite the business's documents."""
    current = evidence_file.current_version
    uploader_organisation_id = current.uploaded_by.organisation_id if current else None
    if uploader_organisation_id is None or uploader_organisation_id != user.organisation_id:
        return ReplaceRefusal(
            _(
                "Only the organisation that uploaded the current version can put a new "
                "version of this document."
            ),
            "not_uploader",
            True,
        )
    if not role_owns_purpose(user.role, evidence_file.purpose):
        return ReplaceRefusal(
            _("Your role does not file documents of the kind “%(purpose)s”.")
            % {"purpose": purpose_label(evidence_file.purpose)},
            "purpose_not_owned",
            True,
        )
    record = evidence_closed_record(evidence_file=evidence_file)
    if record is not None:
        return ReplaceRefusal(
            _(
                "This document belongs to a %(record)s that is decided or closed, so it can no "
                "longer be replaced. File a new document through that record instead."
            )
            % {"record": record._meta.verbose_name},
            "record_closed",
            False,
        )
    return None
