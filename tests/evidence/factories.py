"""Small real files and an evidence factory that goes through `evidence_upload`."""

import io
import itertools
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.evidence.models import EvidenceVersion
from apps.evidence.services import evidence_upload
from tests.factories import UserFactory

_serial = itertools.count(1)


def pdf_bytes(text: str | None = None) -> bytes:
    """A minimal, valid one-page PDF; `text` makes its content (and hash) unique."""
    text = text if text is not None else f"document {next(_serial)}"
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def image_bytes(fmt: str = "PNG", color=(200, 30, 30), size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def png_bytes(**kwargs) -> bytes:
    return image_bytes("PNG", **kwargs)


def docx_bytes(text: str = "实施方案") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "学员"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(files: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in (files or {"readme.txt": b"hello"}).items():
            archive.writestr(name, content)
    return out.getvalue()


def mp4_bytes(payload: bytes = b"\x00" * 64) -> bytes:
    """An ISO-BMFF header (ftyp isom) followed by an mdat box: what an MP4 starts with."""
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    mdat = (8 + len(payload)).to_bytes(4, "big") + b"mdat" + payload
    return ftyp + mdat


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """What a browser sends; the claimed content type is deliberately not trusted."""
    return SimpleUploadedFile(name, content, content_type=content_type)


class EvidenceUploadFactory(factory.Factory):
    """`EvidenceUploadFactory(uploaded_by=user, project=p)` → the first EvidenceVersion."""

    class Meta:
        model = EvidenceVersion

    uploaded_by = factory.SubFactory(UserFactory)
    uploaded_file = factory.LazyFunction(lambda: upload("document.pdf", pdf_bytes()))
    purpose = "general"
    title = factory.Sequence(lambda n: f"佐证材料 {n}")
    project = None
    jurisdiction = factory.LazyAttribute(
        lambda o: o.project.jurisdiction if o.project else o.uploaded_by.organisation.jurisdiction
    )
    organisation = factory.LazyAttribute(lambda o: o.uploaded_by.organisation)
    note = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return evidence_upload(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Evidence only exists once stored; use create().")
