"""Excel imports (issue 17 item 6): template, preview with row-level errors, all-or-nothing
confirmation — the expert pool, organisations by credit code, a year's holiday schedule."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from apps.accounts.models import Organisation, User
from apps.accounts.roles import OrganisationKind, Role
from apps.deadlines.calendar import load_calendar
from apps.imports.models import ImportBatch, ImportStatus
from apps.imports.registry import importer_get
from apps.review.models import ExpertProfile
from tests.factories import (
    CityFactory,
    OrganisationFactory,
    ProvinceFactory,
    UserFactory,
    unique_credit_code,
)
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def workbook(kind: str, rows: list[list], language: str = "zh-hans") -> SimpleUploadedFile:
    """The template as a user downloads it (in Chinese unless told), filled with `rows`."""
    importer = importer_get(kind)
    book = Workbook()
    sheet = book.active
    with translation.override(language):
        sheet.append([str(c.header) + (" *" if c.required else "") for c in importer.columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(f"{kind}.xlsx", buffer.getvalue())


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def upload(client, kind, file, **extra):
    page = client.get(f"/imports/{kind}/upload/")
    assert page.status_code == 200
    return form_submit(
        client, page, "form[data-testid=import-upload-form]", data={"file": file, **extra}
    )


@pytest.fixture
def province_admin():
    province = ProvinceFactory()
    office = OrganisationFactory(kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=province)
    return UserFactory(role=Role.USER_ADMIN, organisation=office)


@pytest.fixture
def city_admin():
    city = CityFactory()
    office = OrganisationFactory(kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=city)
    return UserFactory(role=Role.USER_ADMIN, organisation=office)


def test_the_template_has_the_importers_headers(city_admin):
    response = client_for(city_admin).get("/imports/organisations/template/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    with translation.override("en"):
        assert headers[:3] == ["Name *", "Unified social credit code *", "Kind *"]


def test_organisations_preview_lists_each_rows_errors_and_imports_nothing(city_admin):
    good = unique_credit_code()
    client = client_for(city_admin)
    file = workbook(
        "organisations",
        [
            ["安培培训中心", good, "Implementing agency", "长安区", "张三"],
            ["坏代码单位", "91130100MA0000000X", "Implementing agency", "", ""],
            ["重复单位", good, "Implementing agency", "", ""],
            ["未知类别", unique_credit_code(), "卖菜的", "", ""],
        ],
    )
    response = upload(client, "organisations", file)
    batch = ImportBatch.unscoped.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/batches/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert batch.error_count == 3 and 'data-testid="import-confirm-form"' not in page
    assert "Also in row 2 of this file." in page and "Unknown kind" in page
    assert "implementing_agency" not in page  # the kind shows as its name, not its code
    refused = client.post(f"/imports/batches/{batch.pk}/confirm/", follow=True)
    assert "Nothing was imported" in refused.content.decode()
    assert not Organisation.unscoped.filter(name="安培培训中心").exists()


def test_confirmed_organisations_are_created_or_updated_all_at_once(city_admin):
    known = OrganisationFactory(
        kind=OrganisationKind.IMPLEMENTING_AGENCY,
        jurisdiction=city_admin.organisation.jurisdiction,
        address="旧地址",
    )
    new_code = unique_credit_code()
    client = client_for(city_admin)
    file = workbook(
        "organisations",
        [
            ["新单位", new_code, "Implementing agency", "新华区", "李四"],
            [known.name, known.credit_code, "Implementing agency", "新地址", ""],
        ],
    )
    preview = client.get(upload(client, "organisations", file)["Location"])
    done = form_submit(client, preview, "form[data-testid=import-confirm-form]", follow=True)
    assert "Imported." in done.content.decode()
    created = Organisation.unscoped.get(credit_code=new_code)
    assert created.jurisdiction == city_admin.organisation.jurisdiction
    known.refresh_from_db()
    assert known.address == "新地址"
    assert ImportBatch.unscoped.get().result == {"created": 1, "updated": 1, "unchanged": 0}


def test_an_organisation_of_another_city_is_an_error_not_a_takeover(city_admin):
    other = OrganisationFactory(kind=OrganisationKind.IMPLEMENTING_AGENCY)
    client = client_for(city_admin)
    file = workbook("organisations", [["改名", other.credit_code, "Implementing agency", "", ""]])
    client.get(upload(client, "organisations", file)["Location"])
    batch = ImportBatch.unscoped.get()
    assert batch.error_count == 1 and "Already registered in" in batch.errors[0]["message"]


def test_confirmation_checks_again_and_refuses_all_when_data_changed_since(city_admin):
    code = unique_credit_code()
    client = client_for(city_admin)
    file = workbook("organisations", [["新单位", code, "Implementing agency", "", ""]])
    client.get(upload(client, "organisations", file)["Location"])
    OrganisationFactory(credit_code=code, kind=OrganisationKind.EVALUATION_AGENCY)
    batch = ImportBatch.unscoped.get()
    response = client.post(f"/imports/batches/{batch.pk}/confirm/", follow=True)
    assert "Nothing was imported" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


def test_experts_are_created_without_a_password_and_their_mobile_is_encrypted(province_admin):
    pool = OrganisationFactory(
        kind=OrganisationKind.EXPERT_POOL, jurisdiction=province_admin.organisation.jurisdiction
    )
    client = client_for(province_admin)
    file = workbook(
        "experts",
        [
            ["expert_wang", "王五", pool.credit_code, "13800138000", "", "建筑施工", "是"],
            ["expert_zhao", "赵六", pool.credit_code, "", "", "危险化学品", "否"],
        ],
    )
    preview = client.get(upload(client, "experts", file)["Location"])
    page = preview.content.decode()
    assert "138****8000" in page and "13800138000" not in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT rows FROM imports_importbatch")
        assert "13800138000" not in cursor.fetchone()[0]
    form_submit(client, preview, "form[data-testid=import-confirm-form]")
    wang = User.unscoped.get(username="expert_wang")
    assert wang.role == Role.EXPERT and not wang.has_usable_password()
    assert wang.mobile == "13800138000"
    profiles = dict(ExpertProfile.objects.values_list("user__username", "is_active"))
    assert profiles == {"expert_wang": True, "expert_zhao": False}
    assert ExpertProfile.objects.get(user=wang).pool == province_admin.organisation.jurisdiction


def test_an_expert_username_taken_by_another_account_is_an_error(province_admin):
    pool = OrganisationFactory(
        kind=OrganisationKind.EXPERT_POOL, jurisdiction=province_admin.organisation.jurisdiction
    )
    taken = UserFactory(role=Role.APPLICANT)
    client = client_for(province_admin)
    file = workbook("experts", [[taken.username, "某人", pool.credit_code, "", "", "", ""]])
    client.get(upload(client, "experts", file)["Location"])
    assert "not an expert of your pool" in ImportBatch.unscoped.get().errors[0]["message"]


def test_a_holiday_schedule_is_imported_by_the_province_administrator(province_admin):
    client = client_for(province_admin)
    file = workbook(
        "holidays",
        [
            ["2027-02-08", "放假", "春节"],
            ["2027-02-09", "放假", "春节"],
            ["2027-02-20", "调休上班", "春节"],
        ],
    )
    response = upload(client, "holidays", file, source="国办发明电〔2026〕7号")
    preview = client.get(response["Location"])
    assert "调休上班" in preview.content.decode() and ">working<" not in preview.content.decode()
    form_submit(client, preview, "form[data-testid=import-confirm-form]")
    calendar = load_calendar()
    assert not calendar.is_working_day(datetime.date(2027, 2, 8))
    assert calendar.is_working_day(datetime.date(2027, 2, 20))


def test_a_holiday_import_names_its_source_and_keeps_to_one_year(province_admin):
    client = client_for(province_admin)
    file = workbook("holidays", [["2027-02-08", "放假", ""], ["2028-01-01", "放假", ""]])
    page = upload(client, "holidays", file, source="")
    assert page.status_code == 200 and "This field is required." in page.content.decode()
    file.seek(0)
    response = upload(client, "holidays", file, source="国办发明电〔2026〕7号")
    client.get(response["Location"])
    batch = ImportBatch.unscoped.get()
    assert batch.error_count == 1 and "one year's schedule" in batch.errors[0]["message"]


def test_a_weekday_cannot_be_an_adjusted_working_day(province_admin):
    client = client_for(province_admin)
    file = workbook("holidays", [["2027-02-10", "调休上班", ""]])
    client.get(upload(client, "holidays", file, source="通知")["Location"])
    assert "Saturday or Sunday" in ImportBatch.unscoped.get().errors[0]["message"]


def test_a_file_that_is_not_the_template_is_refused_with_the_expected_headers(city_admin):
    client = client_for(city_admin)
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook")
    page = upload(client, "organisations", bad)
    assert "not an Excel workbook" in page.content.decode()
    book = Workbook()
    book.active.append(["名称", "代码"])
    buffer = io.BytesIO()
    book.save(buffer)
    page = upload(client, "organisations", SimpleUploadedFile("y.xlsx", buffer.getvalue()))
    assert "The first row must be the template" in page.content.decode()
    assert not ImportBatch.unscoped.exists()


def test_who_may_import_what(city_admin, province_admin):
    office = UserFactory(role=Role.OFFICE)
    assert client_for(office).get("/imports/").status_code == 403
    assert client_for(city_admin).get("/imports/holidays/upload/").status_code == 403
    assert client_for(province_admin).get("/imports/holidays/upload/").status_code == 200


def test_only_the_uploader_sees_and_confirms_a_batch(city_admin):
    client = client_for(city_admin)
    file = workbook(
        "organisations", [["新单位", unique_credit_code(), "Implementing agency", "", ""]]
    )
    client.get(upload(client, "organisations", file)["Location"])
    batch = ImportBatch.unscoped.get()
    colleague = UserFactory(role=Role.USER_ADMIN, organisation=city_admin.organisation)
    other = client_for(colleague)
    assert other.get(f"/imports/batches/{batch.pk}/").status_code == 404
    assert other.post(f"/imports/batches/{batch.pk}/confirm/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


def test_a_discarded_upload_imports_nothing(city_admin):
    client = client_for(city_admin)
    code = unique_credit_code()
    file = workbook("organisations", [["新单位", code, "Implementing agency", "", ""]])
    preview = client.get(upload(client, "organisations", file)["Location"])
    form_submit(client, preview, "form[data-testid=import-discard-form]")
    assert ImportBatch.unscoped.get().status == ImportStatus.DISCARDED
    assert not Organisation.unscoped.filter(credit_code=code).exists()


def test_an_imported_expert_gets_a_first_password_on_the_account_page(province_admin):
    pool = OrganisationFactory(
        kind=OrganisationKind.EXPERT_POOL, jurisdiction=province_admin.organisation.jurisdiction
    )
    client = client_for(province_admin)
    file = workbook("experts", [["expert_li", "李四", pool.credit_code, "", "", "矿山", "是"]])
    uploaded = upload(client, "experts", file)
    assert uploaded.status_code == 302, uploaded.content.decode()[-1500:]
    form_submit(client, client.get(uploaded["Location"]), "form[data-testid=import-confirm-form]")
    expert = User.unscoped.get(username="expert_li")
    assert not expert.has_usable_password()
    page = client.get(f"/users/{expert.pk}/")
    response = form_submit(
        client, page, "form[data-testid=user-form]", data={"new_password": "Zhuanjia#Li-2027"}
    )
    assert response.status_code == 302, response.content.decode()[-2500:]
    expert.refresh_from_db()
    assert expert.has_usable_password() and expert.check_password("Zhuanjia#Li-2027")
