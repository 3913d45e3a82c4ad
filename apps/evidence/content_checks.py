"""What an accepted file type may not carry: active PDFs and decompression bombs.

OWASP ASVS 5.0 5.2.3 (compressed files are checked against the maximum uncompressed size and
the number of files before they are accepted) and 5.2.x / 5.4 (uploaded content is not
executable); GB/T 22239-2019 8.1.4.5 (malicious code prevention at the point of entry).

PDF: a document whose content mentions `/JavaScript`, `/JS` or `/OpenAction` can run code or
an action when it is opened in a reader; the office downloads and opens what applicants and
agencies upload, so such files are refused. The scan reads the raw file in chunks, decodes
`#xx` escapes in names (`/J#61vaScript`), and also inflates compressed object streams
(`/ObjStm`), where PDF 1.5+ keeps dictionaries. It is a static check, not a PDF parser: it
refuses too much rather than too little (a page that *prints* "/JS" in an uncompressed content
stream is refused too). Encrypted PDFs cannot be inspected and pass as they are.

ZIP containers (.docx, .xlsx and plain archives): the sum of the members' sizes is checked
from the central directory and then by actually inflating every member, so a header that lies
about sizes gains nothing; inflation stops as soon as a limit is passed. Limits are settings:
`EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES` (default 200 MB), `EVIDENCE_ZIP_MAX_RATIO` (default 100,
applied once more than `EVIDENCE_ZIP_RATIO_FLOOR_BYTES`, default 10 MB, is unpacked, since small
XML compresses very well) and `EVIDENCE_ZIP_MAX_MEMBERS` (default 10,000).
"""

import re
import zipfile
import zlib

from django.conf import settings

CHUNK = 64 * 1024  # reads stay small: a large file is never read whole
OVERLAP = 256
ACTIVE_NAMES = {b"JavaScript", b"JS", b"OpenAction"}
_DELIMITERS = rb"\s/<>\[\]()%{}"
ACTIVE_NAME = re.compile(rb"/(?:JavaScript|JS|OpenAction)(?=[" + _DELIMITERS + rb"]|$)")
ESCAPED_NAME = re.compile(rb"/([^" + _DELIMITERS + rb"]*#[0-9A-Fa-f]{2}[^" + _DELIMITERS + rb"]*)")
OBJSTM = re.compile(rb"/Type\s*/ObjStm|/ObjStm")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
MAX_OBJSTM_INFLATED = 64 * 1024 * 1024


def _decoded(name: bytes) -> bytes:
    if b"#" not in name:
        return name
    return HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)


def _active_name_in(data: bytes) -> bool:
    if ACTIVE_NAME.search(data):
        return True
    # Only names written with #xx escapes need decoding (rare: the scan stays in C).
    return any(_decoded(m.group(1)) in ACTIVE_NAMES for m in ESCAPED_NAME.finditer(data))


def _inflate_stream_at(file, position: int) -> bytes:
    """Inflates the stream that follows `position` (at most MAX_OBJSTM_INFLATED bytes)."""
    file.seek(position)
    head = file.read(4096)
    start = head.find(b"stream")
    if start < 0:
        return b""
    start += len(b"stream")
    while start < len(head) and head[start : start + 1] in (b"\r", b"\n"):
        start += 1
    file.seek(position + start)
    inflater = zlib.decompressobj()
    out = []
    total = 0
    while total < MAX_OBJSTM_INFLATED and not inflater.eof:
        chunk = file.read(CHUNK)
        if not chunk:
            break
        try:
            piece = inflater.decompress(chunk, MAX_OBJSTM_INFLATED - total)
        except zlib.error:
            break
        out.append(piece)
        total += len(piece)
    return b"".join(out)


def pdf_has_active_content(file) -> bool:
    """True if the PDF names JavaScript or an open action, in clear or in an object stream."""
    file.seek(0)
    objstm_positions = []
    offset = 0
    tail = b""
    try:
        while chunk := file.read(CHUNK):
            window = tail + chunk
            if _active_name_in(window):
                return True
            base = offset - len(tail)
            for match in OBJSTM.finditer(window):
                objstm_positions.append(base + match.end())
            for match in ESCAPED_NAME.finditer(window):
                if _decoded(match.group(1)) == b"ObjStm":
                    objstm_positions.append(base + match.end())
            tail = window[-OVERLAP:]
            offset += len(chunk)
        for position in sorted(set(objstm_positions)):
            if _active_name_in(_inflate_stream_at(file, position)):
                return True
        return False
    finally:
        file.seek(0)


def zip_bomb_reason(file, *, archive_size: int) -> str | None:
    """None for a ZIP container within the limits; otherwise which limit it passes
    ("members", "size" or "ratio")."""
    max_bytes = settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.EVIDENCE_ZIP_MAX_RATIO
    ratio_floor = settings.EVIDENCE_ZIP_RATIO_FLOOR_BYTES
    max_members = settings.EVIDENCE_ZIP_MAX_MEMBERS

    def over(total: int) -> str | None:
        if total > max_bytes:
            return "size"
        if total > ratio_floor and total > max_ratio * max(archive_size, 1):
            return "ratio"
        return None

    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                return "members"
            declared = over(sum(m.file_size for m in members))
            if declared:
                return declared
            total = 0
            for member in members:
                if member.is_dir():
                    continue
                with archive.open(member) as stream:
                    while piece := stream.read(CHUNK):
                        total += len(piece)
                        reason = over(total)
                        if reason:
                            return reason
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error):
        # Damaged or lying beyond what zipfile accepts (e.g. a CRC or size mismatch).
        return "damaged"
    except (NotImplementedError, RuntimeError):
        # Encrypted members or an unsupported compression method: cannot be measured.
        return "damaged"
    finally:
        file.seek(0)
    return None
