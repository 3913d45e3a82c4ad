"""Behind a reverse proxy (issue 16 item 1): the audit log and the lockout counters record the
client's address from X-Forwarded-For only when the request came from a trusted proxy; the
request id is answered, audited and put on log lines."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from apps.audit.models import AuditEntry
from apps.core.context import ActorContext, acting_as
from apps.core.middleware import client_ip, request_id_for
from apps.operations.request_log import RequestContextFilter
from tests.factories import UserFactory
from tests.rendered_forms import form_submit

ROOT = Path(__file__).resolve().parents[2]


def _request(remote, forwarded=None, **extra):
    meta = {"REMOTE_ADDR": remote, **extra}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_client_address_through_trusted_and_untrusted_proxies(settings):
    settings.WIPP_TRUSTED_PROXIES = ["10.0.0.0/24", "::1"]
    assert client_ip(_request("10.0.0.5", "203.0.113.7")) == "203.0.113.7"
    # A chain of trusted proxies: the right-most address that is not one of them.
    assert client_ip(_request("10.0.0.5", "203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    # What the client itself put in front is not believed.
    assert client_ip(_request("10.0.0.5", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    # From an address that is not a trusted proxy the header is ignored.
    assert client_ip(_request("198.51.100.2", "203.0.113.7")) == "198.51.100.2"
    assert client_ip(_request("::1", "2001:db8::5")) == "2001:db8::5"
    assert client_ip(_request("10.0.0.5", "not-an-address")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5")) == "10.0.0.5"
    settings.WIPP_TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


def test_request_id_from_a_trusted_proxy_only(settings):
    settings.WIPP_TRUSTED_PROXIES = ["127.0.0.1"]
    trusted = _request("127.0.0.1", HTTP_X_REQUEST_ID="a1b2c3d4e5f6a7b8")
    assert request_id_for(trusted) == "a1b2c3d4e5f6a7b8"
    assert request_id_for(_request("198.51.100.2", HTTP_X_REQUEST_ID="a1b2c3d4e5f6a7b8")) != (
        "a1b2c3d4e5f6a7b8"
    )
    assert len(request_id_for(_request("127.0.0.1", HTTP_X_REQUEST_ID="bad id!"))) == 32


def _failed_login(client, username, **meta):
    page = client.get("/accounts/login/", **meta)
    return form_submit(
        client, page, "form[novalidate]", data={"username": username, "password": "wrong-pw"}
    )


@pytest.mark.django_db
def test_a_failed_login_through_the_proxy_records_the_client(client, settings):
    settings.WIPP_TRUSTED_PROXIES = ["10.0.0.1"]
    user = UserFactory()
    meta = {
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_REQUEST_ID": "feedfacefeedface",
    }
    client.defaults.update(meta)
    response = _failed_login(client, user.username)
    assert response["X-Request-ID"] == "feedfacefeedface"
    entry = AuditEntry.unscoped.filter(action="login_failed").latest("id")
    assert entry.ip_address == "203.0.113.7"
    assert entry.request_id == "feedfacefeedface"
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()


@pytest.mark.django_db
def test_a_failed_login_from_an_untrusted_host_records_its_own_address(client, settings):
    settings.WIPP_TRUSTED_PROXIES = ["10.0.0.1"]
    user = UserFactory()
    client.defaults.update({"REMOTE_ADDR": "198.51.100.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7"})
    response = _failed_login(client, user.username)
    entry = AuditEntry.unscoped.filter(action="login_failed").latest("id")
    assert entry.ip_address == "198.51.100.2"
    assert entry.request_id == response["X-Request-ID"]
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()


def test_log_records_carry_the_request_id_and_address():
    record = logging.LogRecord("wipp", logging.INFO, __file__, 1, "hello", (), None)
    RequestContextFilter().filter(record)
    assert (record.request_id, record.client_ip) == ("-", "-")
    with acting_as(ActorContext(ip_address="203.0.113.7", request_id="abc123")):
        RequestContextFilter().filter(record)
    assert (record.request_id, record.client_ip) == ("abc123", "203.0.113.7")


def _settings_in_a_fresh_process(**environment) -> str:
    code = (
        "import wipp.settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None)); "
        "print(s.LOGGING['root']['handlers']); "
        "print(s.LOGGING['handlers'].get('file', {}).get('class')); "
        "print(s.STORAGES['staticfiles']['BACKEND'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIPP_")}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def test_settings_from_the_environment(tmp_path):
    plain = _settings_in_a_fresh_process().splitlines()
    assert plain[0] == "None"
    assert plain[1] == "['console']"
    assert plain[3] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    behind = _settings_in_a_fresh_process(
        WIPP_TRUSTED_PROXIES="127.0.0.1", WIPP_LOG_FILE=str(tmp_path / "wipp.log")
    ).splitlines()
    assert behind[0] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert behind[1] == "['file']"
    assert behind[2] == "logging.handlers.RotatingFileHandler"
