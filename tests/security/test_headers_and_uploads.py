"""Headers and uploads (issue 12, item 9).

- Content-Security-Policy without 'unsafe-inline': OWASP ASVS 5.0 3.4.3; GB/T 22239-2019
  8.1.4.4 (intrusion prevention at the application).
- Active PDFs and zip bombs refused at upload: ASVS 5.0 5.2.3 and 5.4; 等保 8.1.4.5.
- Personal-data pages not cached: ASVS 5.0 14.3.2; 等保 8.1.4.11; PIPL art. 51.
"""

import io
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.evidence.models import EvidenceFile
from apps.evidence.services import evidence_upload
from tests.evidence.factories import docx_bytes, pdf_bytes, upload, xlsx_bytes
from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip() for part in header.split(";") if part.strip()
    }


@pytest.fixture
def office():
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=CityFactory())


# --- Content-Security-Policy ------------------------------------------------------------------


def test_asvs_3_4_3_csp_forbids_inline_scripts_and_styles(client, office):
    for response in (client.get(reverse("accounts:login")),):
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == "script-src 'self'"
        assert policy["style-src"] == "style-src 'self'"
        assert "object-src 'none'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    client.force_login(office)
    header = client.get(reverse("evidence:list"))["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_asvs_3_4_3_api_docs_allow_inline_styles_only(client, office):
    client.force_login(office)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "script-src 'self'"
    assert "'unsafe-inline'" in policy["style-src"]
    # The Swagger initialiser is a script file, not an inline script.
    assert not re.search(rb"<script>(?!\s*</script>)", response.content)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def _page_templates():
    # templates/*/pdf/ are rendered to PDF by WeasyPrint, never served to a browser.
    return [p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.relative_to(TEMPLATES).parts]


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "inline <script>"),
        (HANDLER, "on* event handler attribute"),
        (STYLE_ATTRIBUTE, "style attribute"),
        (STYLE_ELEMENT, "<style> element"),
    ],
)
def test_asvs_3_4_3_templates_carry_nothing_the_policy_blocks(pattern, what):
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}"
        for path in _page_templates()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"{what} in templates (move it to static/wipp/): {offenders}"


def test_the_behaviour_of_the_removed_handlers_lives_in_a_static_file(client, office):
    script = (Path(settings.BASE_DIR) / "static/wipp/wipp.js").read_text()
    assert "data-confirm" in script and "data-autosubmit" in script
    client.force_login(office)
    page = client.get(reverse("evidence:list")).content.decode()
    assert "wipp/wipp.js" in page
    assert "data-autosubmit" in page


# --- uploads ----------------------------------------------------------------------------------


def _upload_as(user, name: str, content: bytes, purpose: str = "general"):
    return evidence_upload(
        uploaded_by=user,
        uploaded_file=upload(name, content),
        purpose=purpose,
        title="材料",
        jurisdiction=user.organisation.jurisdiction,
        organisation=user.organisation,
    )


def _refused(user, name: str, content: bytes, code: str) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _upload_as(user, name, content)
    error = caught.value.error_dict["file"][0]
    assert error.code == code
    assert not EvidenceFile.unscoped.exists()
    return error.messages[0]


def _pdf_with(extra_object: bytes) -> bytes:
    """A valid PDF plus one more object (catalog actions, scripts...)."""
    base = pdf_bytes("active")
    head, _, _ = base.partition(b"xref")
    return head + b"9 0 obj\n" + extra_object + b"\nendobj\n" + b"trailer\n<< >>\n%%EOF\n"


@pytest.mark.parametrize(
    "payload",
    [
        b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>",
        b"<< /Type /Catalog /OpenAction 10 0 R >>",
        b"<</S/JavaScript/JS(x)>>",
        # A name written with #xx escapes is the same name.
        b"<< /S /J#61vaScript /J#53 (x) >>",
    ],
)
def test_asvs_5_2_3_pdf_with_javascript_or_open_action_is_refused(office, payload):
    message = _refused(office, "scan.pdf", _pdf_with(payload), "pdf_active_content")
    assert "contains active content" in message and "scan.pdf" in message


def test_asvs_5_2_3_javascript_hidden_in_a_compressed_object_stream_is_refused(office):
    hidden = zlib.compress(b"10 0 20 0 << /S /JavaScript /JS (app.alert(1)) >>")
    objstm = (
        b"<< /Type /ObjStm /N 1 /First 8 /Filter /FlateDecode /Length "
        + str(len(hidden)).encode()
        + b" >>\nstream\n"
        + hidden
        + b"\nendstream"
    )
    _refused(office, "scan.pdf", _pdf_with(objstm), "pdf_active_content")


def test_a_plain_pdf_is_accepted(office):
    assert _upload_as(office, "plain.pdf", pdf_bytes("清白的文件")).number == 1


def _docx_with_member(size: int) -> bytes:
    source = io.BytesIO(docx_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item))
        bomb.writestr(zipfile.ZipInfo("word/media/padding.bin"), b"\0" * size, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_asvs_5_2_3_office_file_over_the_unpacked_size_limit_is_refused(office, settings):
    settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    message = _refused(office, "bomb.docx", _docx_with_member(2 * 1024 * 1024), "zip_bomb")
    assert "zip bomb" in message and "1.0\xa0MB" in message


def test_asvs_5_2_3_office_file_out_of_proportion_to_its_size_is_refused(office, settings):
    settings.EVIDENCE_ZIP_RATIO_FLOOR_BYTES = 1024 * 1024
    content = _docx_with_member(8 * 1024 * 1024)  # 8 MB of zeros packs into a few KB
    assert len(content) * settings.EVIDENCE_ZIP_MAX_RATIO < 8 * 1024 * 1024
    _refused(office, "bomb.docx", content, "zip_bomb")


def test_asvs_5_2_3_sizes_that_lie_in_the_zip_headers_gain_nothing(office, settings):
    settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = bytearray(_docx_with_member(2 * 1024 * 1024))
    # Declare 1 000 bytes for the padding member in its central-directory entry.
    entry = content.rfind(b"PK\x01\x02", 0, content.rfind(b"word/media/padding.bin"))
    content[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    _refused(office, "bomb.docx", bytes(content), "zip_damaged")


def test_ordinary_office_files_are_accepted(office):
    assert _upload_as(office, "plan.docx", docx_bytes()).number == 1
    assert _upload_as(office, "roster.xlsx", xlsx_bytes()).number == 1


# --- Cache-Control ----------------------------------------------------------------------------


def test_asvs_14_3_2_personal_data_pages_are_not_cached(client):
    admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=CityFactory())
    person = UserFactory(role=Role.OFFICE, organisation=admin.organisation, mobile="13800138000")
    client.force_login(admin)
    for url in (
        reverse("manage:user_list"),
        reverse("manage:user_update", args=[person.pk]),  # shows the mobile unmasked
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    api = APIClient()
    api.force_authenticate(admin)
    assert "no-store" in api.get("/api/v1/evidence-files/")["Cache-Control"]


def test_public_pages_stay_cacheable(client):
    response = client.get("/public/calls/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
