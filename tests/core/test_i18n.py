import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.core.validators import validate_resident_id

pytestmark = pytest.mark.django_db


def test_interface_is_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_validation_messages_follow_the_users_language():
    bad = "11010519491231002Y"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as zh:
        validate_resident_id(bad)
    with translation.override("en"), pytest.raises(ValidationError) as en:
        validate_resident_id(bad)
    assert zh.value.messages != en.value.messages
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.value.messages[0])
