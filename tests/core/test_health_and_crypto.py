import pytest

from apps.core.crypto import blind_index, decrypt_text, encrypt_text
from apps.core.money import yuan

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_storage_and_worker(client):
    from apps.operations.tasks import heartbeat_record

    heartbeat_record()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "database_write": "ok",
        "storage": "ok",
        "worker": "ok",
    }


def test_healthz_reports_a_broken_storage(client, settings, tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"].startswith("error")


def test_encryption_round_trip_uses_fresh_ciphertext():
    assert decrypt_text(encrypt_text("130105199001011234")) == "130105199001011234"
    assert encrypt_text("a") != encrypt_text("a")


def test_rotated_key_still_decrypts(settings):
    token = encrypt_text("secret")
    settings.FIELD_ENCRYPTION_KEYS = ["new-key", *settings.FIELD_ENCRYPTION_KEYS]
    assert decrypt_text(token) == "secret"


def test_blind_index_is_stable_and_keyed(settings):
    first = blind_index("13800138000")
    assert first == blind_index("13800138000")
    settings.BLIND_INDEX_KEY = "other"
    assert blind_index("13800138000") != first


def test_money_refuses_float_and_rounds_half_up():
    with pytest.raises(TypeError):
        yuan(0.1)
    assert str(yuan("2.345")) == "2.35"
