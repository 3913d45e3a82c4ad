"""Register rows that meet HB §10 by default; a test changes the one value it is about."""

import datetime

import factory

from apps.accounts.roles import OrganisationKind
from apps.qualifications.models import (
    Equipment,
    EquipmentKind,
    Licence,
    LicenceKind,
    PlatformProfile,
    ScopeCategory,
)
from tests.factories import OrganisationFactory

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class AgencyFactory(OrganisationFactory):
    kind = OrganisationKind.OFFLINE_TRAINING_INSTITUTION


class CameraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    organisation = factory.SubFactory(AgencyFactory)
    kind = EquipmentKind.NETWORK_CAMERA
    device_model = "海康威视 DS-2DE4425IW"
    serial_number = factory.Sequence(lambda n: f"CAM{n:04d}")
    internet_connected = True
    resolution_lines = 1080
    audio_capture = True
    rotation_degrees = 90
    storage_gb = 64


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    organisation = factory.SubFactory(AgencyFactory)
    kind = EquipmentKind.HD_RECORDER
    device_model = "索尼 FDR-AX45A"
    serial_number = factory.Sequence(lambda n: f"DEV{n:04d}")


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    organisation = factory.SubFactory(AgencyFactory, kind=OrganisationKind.EVALUATION_AGENCY)
    kind = LicenceKind.BUSINESS_LICENCE
    number = factory.Sequence(lambda n: f"LIC{n:04d}")
    business_scope = "项目评估服务；市场调查"
    scope_categories = factory.LazyFunction(lambda: [ScopeCategory.EVALUATION.value])
    valid_from = datetime.date(2020, 1, 1)
    valid_until = None


class PlatformProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformProfile

    organisation = factory.SubFactory(AgencyFactory, kind=OrganisationKind.ONLINE_TRAINING_PLATFORM)
    has_online_learning = True
    has_system_administration = True
    has_government_supervision = True
    has_security_operations = True
    province_contract_number = "冀人社协〔2026〕1号"
    province_contract_date = datetime.date(2026, 9, 1)
    integrated = True
