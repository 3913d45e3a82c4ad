import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.core.validators import validate_resident_id

pytestmark = pytest.mark.django_db


def test_interface_is_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


def _message_in(language: str, value: str) -> str:
    with translation.override(language):
        try:
            validate_resident_id(value)
        except ValidationError as exc:
            return exc.messages[0]
    raise AssertionError("no error raised")


def test_validation_messages_follow_the_users_language():
    chinese = _message_in("zh-hans", "11010519491231002Y")
    english = _message_in("en", "11010519491231002Y")
    assert english.startswith("A resident ID number")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
