import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from apps.accounts.roles import Role
from tests.factories import CityFactory, ProvinceFactory, UserFactory


@pytest.fixture
def stored_objects(settings):
    """Names of the objects in the (local, per-test) evidence storage."""

    def names() -> list[str]:
        root = Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return names


@pytest.fixture
def province(db):
    return ProvinceFactory()


@pytest.fixture
def city_a(province):
    return CityFactory(parent=province)


@pytest.fixture
def city_b(province):
    return CityFactory(parent=province)


@pytest.fixture
def office_a(city_a):
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=city_a)


@pytest.fixture
def office_b(city_b):
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=city_b)


@pytest.fixture
def province_office(province):
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=province)


# --- S3: a real S3-compatible server (moto's server mode), started once per session ---------

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "wipp-test-key",
    "AWS_SECRET_ACCESS_KEY": "wipp-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def moto_s3_server():
    from moto.server import ThreadedMotoServer

    patcher = pytest.MonkeyPatch()
    for key, value in S3_ENV.items():
        patcher.setenv(key, value)
    patcher.delenv("AWS_SESSION_TOKEN", raising=False)
    patcher.delenv("AWS_PROFILE", raising=False)
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY", ""), "127.0.0.1", "localhost"]))
    patcher.setenv("NO_PROXY", no_proxy)
    patcher.setenv("no_proxy", no_proxy)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        patcher.undo()


@pytest.fixture(scope="session")
def s3_client(moto_s3_server):
    import boto3

    return boto3.client("s3", endpoint_url=moto_s3_server, region_name=S3_ENV["AWS_DEFAULT_REGION"])


@pytest.fixture
def s3_evidence_bucket(moto_s3_server, s3_client, settings):
    """A fresh bucket per test, and `STORAGES["evidence"]` pointed at it (django-storages S3)."""
    bucket = f"wipp-evidence-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_s3_server,
                "access_key": S3_ENV["AWS_ACCESS_KEY_ID"],
                "secret_key": S3_ENV["AWS_SECRET_ACCESS_KEY"],
                "region_name": S3_ENV["AWS_DEFAULT_REGION"],
                "addressing_style": "path",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": True,
            },
        },
    }
    assert django_settings.STORAGES["evidence"]["OPTIONS"]["bucket_name"] == bucket
    return bucket


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests assert the English wording of the store's messages (the msgids)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
