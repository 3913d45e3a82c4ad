"""Recognising a file's real type from its content, not from its name.

The first bytes go through the `filetype` package. ZIP containers are opened (only their
central directory is read) to tell a Word document (`word/`) or an Excel workbook (`xl/`) from
a plain archive.
"""

import zipfile
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

from .purposes import FILE_TYPES, FileType

HEADER_BYTES = 8192  # as much as filetype ever looks at
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# filetype names a few variants by their own MIME type; they are the same type for us.
MIME_ALIASES = {"video/x-m4v": "video/mp4"}


@dataclass(frozen=True)
class Detected:
    """What the content is: one of the accepted types, or only a label for the message."""

    file_type: FileType | None
    label: str

    @property
    def mime(self) -> str:
        return self.file_type.mime if self.file_type else "application/octet-stream"


def _read_header(file) -> bytes:
    file.seek(0)
    header = file.read(HEADER_BYTES)
    file.seek(0)
    return header


def _sniff_zip(file) -> Detected:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return Detected(None, _("a damaged ZIP container"))
    finally:
        file.seek(0)
    if any(name.startswith("word/") for name in names):
        return Detected(FILE_TYPES["docx"], str(FILE_TYPES["docx"].label))
    if any(name.startswith("xl/") for name in names):
        return Detected(FILE_TYPES["xlsx"], str(FILE_TYPES["xlsx"].label))
    return Detected(FILE_TYPES["zip"], str(FILE_TYPES["zip"].label))


def sniff_file_type(file) -> Detected:
    """Reads the start of an open, seekable file (and leaves it at position 0)."""
    header = _read_header(file)
    if header.startswith(ZIP_SIGNATURES):
        return _sniff_zip(file)
    guess = filetype.guess(header) if header else None
    if guess is None:
        return Detected(None, _("a file of unrecognised type"))
    mime = MIME_ALIASES.get(guess.mime, guess.mime)
    for file_type in FILE_TYPES.values():
        if file_type.mime == mime:
            return Detected(file_type, str(file_type.label))
    return Detected(None, _("a file of type %(type)s") % {"type": guess.extension.upper()})
