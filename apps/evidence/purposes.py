"""What evidence is for, and which files each purpose accepts (SPEC §6).

A purpose types an evidence file by what it serves (a compliance document, a procurement file,
a site photo...). It fixes the accepted kinds of content and a size limit. The global ceiling
`settings.EVIDENCE_MAX_UPLOAD_BYTES` caps every purpose; `settings.EVIDENCE_PURPOSE_MAX_BYTES`
(optional, `{code: bytes}`) lets an installation change one purpose's limit without code.

File types are recognised from their content (see `apps.evidence.sniffing`), never from the name
alone: the name's extension must agree with the content.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role

MB = 1024 * 1024
GB = 1024 * MB


class Kind:
    PDF = "pdf"
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    OFFICE = "office"
    ZIP = "zip"


KIND_LABELS = {
    Kind.PDF: _("PDF documents"),
    Kind.IMAGE: _("images (JPEG, PNG, WebP)"),
    Kind.VIDEO: _("videos (MP4, MOV, WebM)"),
    Kind.AUDIO: _("audio (MP3, M4A, WAV)"),
    Kind.OFFICE: _("Word and Excel files (.docx, .xlsx)"),
    Kind.ZIP: _("ZIP archives"),
}


@dataclass(frozen=True)
class FileType:
    """One accepted file type: what its content is and which names it may carry."""

    code: str
    kind: str
    mime: str
    extensions: tuple[str, ...]
    label: str


FILE_TYPES: dict[str, FileType] = {
    t.code: t
    for t in (
        FileType("pdf", Kind.PDF, "application/pdf", (".pdf",), _("a PDF document")),
        FileType("jpeg", Kind.IMAGE, "image/jpeg", (".jpg", ".jpeg"), _("a JPEG image")),
        FileType("png", Kind.IMAGE, "image/png", (".png",), _("a PNG image")),
        FileType("webp", Kind.IMAGE, "image/webp", (".webp",), _("a WebP image")),
        FileType("mp4", Kind.VIDEO, "video/mp4", (".mp4", ".m4v"), _("an MP4 video")),
        FileType("mov", Kind.VIDEO, "video/quicktime", (".mov",), _("a QuickTime (MOV) video")),
        FileType("webm", Kind.VIDEO, "video/webm", (".webm",), _("a WebM video")),
        FileType("mp3", Kind.AUDIO, "audio/mpeg", (".mp3",), _("an MP3 audio file")),
        FileType("m4a", Kind.AUDIO, "audio/mp4", (".m4a",), _("an M4A (AAC) audio file")),
        FileType("wav", Kind.AUDIO, "audio/x-wav", (".wav",), _("a WAV audio file")),
        FileType(
            "docx",
            Kind.OFFICE,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            _("a Word document (.docx)"),
        ),
        FileType(
            "xlsx",
            Kind.OFFICE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            _("an Excel workbook (.xlsx)"),
        ),
        FileType("zip", Kind.ZIP, "application/zip", (".zip",), _("a ZIP archive")),
    )
}


def file_type_for_extension(extension: str) -> FileType | None:
    extension = extension.lower()
    return next((t for t in FILE_TYPES.values() if extension in t.extensions), None)


@dataclass(frozen=True)
class Purpose:
    code: str
    label: str
    kinds: frozenset[str]
    max_bytes: int

    @property
    def file_types(self) -> list[FileType]:
        return [t for t in FILE_TYPES.values() if t.kind in self.kinds]

    @property
    def extensions(self) -> list[str]:
        return [ext for t in self.file_types for ext in t.extensions]

    def kinds_display(self) -> str:
        return ", ".join(str(KIND_LABELS[k]) for k in sorted(self.kinds))

    def size_limit(self) -> int:
        """The effective limit: the purpose's (or its configured override), under the ceiling."""
        overrides = getattr(settings, "EVIDENCE_PURPOSE_MAX_BYTES", None) or {}
        own = overrides.get(self.code, self.max_bytes)
        return min(own, settings.EVIDENCE_MAX_UPLOAD_BYTES)


K = Kind
PURPOSES: dict[str, Purpose] = {
    p.code: p
    for p in (
        Purpose(
            "compliance_document",
            _("Document on file (agreement, account form, commitment letter)"),
            frozenset({K.PDF, K.IMAGE}),
            20 * MB,
        ),
        Purpose(
            "procurement_document",
            _("Procurement document (tender, bid, award notice, agreement)"),
            frozenset({K.PDF, K.OFFICE}),
            100 * MB,
        ),
        Purpose(
            "training_material",
            _("Training or promotion material"),
            frozenset({K.PDF, K.OFFICE, K.VIDEO, K.AUDIO, K.IMAGE}),
            2 * GB,
        ),
        Purpose("site_photo", _("On-site photo"), frozenset({K.IMAGE}), 30 * MB),
        Purpose("recording", _("Recording (video)"), frozenset({K.VIDEO}), 8 * GB),
        Purpose("report", _("Report"), frozenset({K.PDF, K.OFFICE}), 100 * MB),
        Purpose("general", _("Other document"), frozenset({K.PDF, K.OFFICE, K.IMAGE}), 50 * MB),
    )
}

PURPOSE_CHOICES = [(p.code, p.label) for p in PURPOSES.values()]

# Which purposes of evidence each role files in its own work, and so may also put a new version
# of (together with "uploaded by your organisation" and "the record is still open", see
# `apps.evidence.records`). Read from the services that upload: the procuring authority (hrss)
# files tender documents and award notices, the social-insurance agency the agreement and the
# vouchers, the winner (an implementer, platform or evaluator) its implementation plan;
# applicants attach scans to their applications; offices and member units file minutes and
# consent documents ("general"). A role that is not listed (user administrators) owns none.
R = Role
ROLE_PURPOSES: dict[str, frozenset[str]] = {
    R.OFFICE: frozenset({"procurement_document", "report", "site_photo", "general"}),
    R.MEMBER_UNIT: frozenset({"report", "general"}),
    R.HRSS: frozenset({"procurement_document", "report", "general"}),
    R.SI_AGENCY: frozenset({"procurement_document", "report", "general"}),
    R.APPLICANT: frozenset({"report", "site_photo", "general"}),
    R.IMPLEMENTER: frozenset(
        {
            "compliance_document",
            "procurement_document",
            "training_material",
            "site_photo",
            "recording",
            "report",
            "general",
        }
    ),
    R.ONLINE_PLATFORM: frozenset(
        {
            "compliance_document",
            "procurement_document",
            "training_material",
            "recording",
            "report",
            "general",
        }
    ),
    R.EVALUATOR: frozenset(
        {"compliance_document", "procurement_document", "site_photo", "report", "general"}
    ),
    R.EXPERT: frozenset({"compliance_document"}),
    R.AUDITOR: frozenset({"report"}),
}


def role_owns_purpose(role: str, purpose: str) -> bool:
    return purpose in ROLE_PURPOSES.get(role, frozenset())


def purpose_get(code: str) -> Purpose:
    try:
        return PURPOSES[code]
    except KeyError:
        raise ValidationError(
            {
                "purpose": gettext("“%(purpose)s” is not a known purpose of evidence.")
                % {"purpose": code}
            },
            code="unknown_purpose",
        ) from None


def purpose_label(code: str) -> str:
    purpose = PURPOSES.get(code)
    return purpose.label if purpose else code
