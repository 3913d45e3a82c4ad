"""The province's annual arrangement: compiled from the cities' filed lists, published, exported,
shown to the public once published."""

import io
import re
import zlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from apps.determination import exports, services
from apps.determination.models import AnnualArrangement, ArrangementEntry
from apps.projects.models import Project

from .builders import province_office, reviewed_city, run_to

pytestmark = pytest.mark.django_db


def _pdf_streams(content: bytes) -> bytes:
    """The PDF's compressed streams, inflated: font names and ToUnicode maps are in there."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(inflated)


def _two_cities():
    a = reviewed_city(name="甲市")
    b = reviewed_city(name="乙市", amounts=(Decimal("250000.00"),))
    run_to(a, "filed")
    run_to(b, "filed")
    return a, b


def test_province_compiles_two_cities_filed_lists():
    _a, _b = _two_cities()
    unfinished = reviewed_city(name="丙市", amounts=(Decimal("100000.00"),))
    run_to(unfinished, "approved")  # not filed: not in the arrangement
    office = province_office()
    arrangement = services.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    assert arrangement.title == "2027年度全省工伤预防项目安排"
    assert arrangement.status == "draft"
    entries = list(ArrangementEntry.unscoped.filter(arrangement=arrangement))
    assert [(e.jurisdiction.name, e.amount) for e in entries] == [
        ("甲市", Decimal("400000.00")),
        ("甲市", Decimal("300000.00")),
        ("乙市", Decimal("250000.00")),
    ]
    assert {e.procurement_item for e in entries} == {"工伤预防培训服务"}
    # Compiling the draft again (another city filed meanwhile) rebuilds it.
    run_to_filed = services.determination_file
    run_to_filed(user=unfinished.office, determination=unfinished.call.determination)
    services.arrangement_compile(user=office, province=office.organisation.jurisdiction, year=2027)
    assert ArrangementEntry.unscoped.filter(arrangement=arrangement).count() == 4


def test_only_the_province_office_compiles_and_publishes():
    a, _b = _two_cities()
    province = a.jurisdiction.parent
    for user in (a.office, a.hrss):
        with pytest.raises(PermissionDenied):
            services.arrangement_compile(user=user, province=province, year=2027)
    office = province_office()
    arrangement = services.arrangement_compile(user=office, province=province, year=2027)
    with pytest.raises(PermissionDenied):
        services.arrangement_publish(user=a.office, arrangement=arrangement)
    with pytest.raises(ValidationError):
        services.arrangement_compile(user=office, province=province, year=2031)


def test_publishing_puts_the_projects_into_the_arrangement_and_freezes_the_list():
    _two_cities()
    office = province_office()
    province = office.organisation.jurisdiction
    arrangement = services.arrangement_compile(user=office, province=province, year=2027)
    assert set(Project.unscoped.values_list("stage", flat=True)) == {"determination"}
    services.arrangement_publish(user=office, arrangement=arrangement)
    assert arrangement.published_at is not None
    assert set(Project.unscoped.values_list("stage", flat=True)) == {"arranged"}
    with pytest.raises(ValidationError):
        services.arrangement_compile(user=office, province=province, year=2027)
    with pytest.raises(ValidationError):
        services.arrangement_publish(user=office, arrangement=arrangement)


def test_a_city_sees_the_published_arrangement_with_its_own_entries_only():
    a, _b = _two_cities()
    office = province_office()
    arrangement = services.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    assert not AnnualArrangement.objects.for_user(a.office).exists()  # draft: province only
    services.arrangement_publish(user=office, arrangement=arrangement)
    assert AnnualArrangement.objects.for_user(a.office).get() == arrangement
    names = set(
        ArrangementEntry.objects.for_user(a.office).values_list("jurisdiction__name", flat=True)
    )
    assert names == {"甲市"}
    assert ArrangementEntry.objects.for_user(office).count() == 3


def _published():
    a, b = _two_cities()
    office = province_office()
    arrangement = services.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    services.arrangement_publish(user=office, arrangement=arrangement)
    return a, b, office, arrangement


def test_pdf_export_renders_the_chinese_arrangement():
    a, _b, office, arrangement = _published()
    html = exports.arrangement_html(user=office, arrangement=arrangement)
    assert "2027年度全省工伤预防项目安排" in html
    assert a.applications[0].project_name in html
    assert "乙市" in html
    assert 'font-family: "WenQuanYi Micro Hei"' in html
    content = exports.arrangement_pdf(user=office, arrangement=arrangement)
    assert content.startswith(b"%PDF")
    streams = _pdf_streams(content)
    assert b"WenQuanYi-Micro-Hei" in streams  # the CJK font is embedded
    for char in "年度全省甲乙":  # and maps glyphs back to these characters
        assert f"<{ord(char):04X}>".encode() in streams.upper()


def test_pdf_of_a_city_user_holds_its_own_entries_only():
    _a, b, _office, arrangement = _published()
    html = exports.arrangement_html(user=b.office, arrangement=arrangement)
    assert "乙市" in html
    assert "甲市" not in html


def test_excel_export_reads_back(client):
    _a, b, office, arrangement = _published()
    client.force_login(office)
    url = reverse("determination:arrangement", args=[arrangement.pk])
    response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "2027年度全省工伤预防项目安排"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    data = [r for r in rows if isinstance(r[0], int)]
    assert [(r[1], r[10]) for r in data] == [
        ("甲市", 400000),
        ("甲市", 300000),
        ("乙市", 250000),
    ]
    assert rows[len(data)][10] == 950000
    header = sheet[4]
    assert header[0].font.bold
    assert sheet.cell(row=5, column=11).number_format == "#,##0.00"
    # A city's export is scoped to the city.
    client.force_login(b.office)
    sheet = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    cities = {r[1] for r in sheet.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)}
    assert cities == {"乙市"}


def test_pdf_download_from_the_arrangement_page(client):
    _a, _b, office, arrangement = _published()
    client.force_login(office)
    response = client.get(
        reverse("determination:arrangement", args=[arrangement.pk]), {"export": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_public_call_pages_show_a_published_arrangement_only(client):
    a, _b = _two_cities()
    office = province_office()
    arrangement = services.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    public_list = reverse("public:call_list")
    detail = reverse("public:call_detail", args=[a.call.pk])
    public_page = reverse("determination:public_arrangement", args=[arrangement.pk])
    assert arrangement.title not in client.get(public_list).content.decode()
    assert arrangement.title not in client.get(detail).content.decode()
    assert client.get(public_page).status_code == 404
    services.arrangement_publish(user=office, arrangement=arrangement)
    assert arrangement.title in client.get(public_list).content.decode()
    assert arrangement.title in client.get(detail).content.decode()
    page = client.get(public_page)
    assert page.status_code == 200
    assert a.applications[0].project_name in page.content.decode()
