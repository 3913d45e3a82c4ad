"""The Chinese catalogue has no untranslated or fuzzy entry: Chinese is the default language,
so an English string on a page is a defect."""

import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries():
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        if block.lstrip().startswith("#~") or 'msgid ""\nmsgstr ""' in block:
            continue
        yield block


def _strings(block: str, keyword: str) -> list[str]:
    pattern = rf'^{keyword}(?:\[\d\])? ((?:".*"\n?)+)'
    return ["".join(re.findall(r'"(.*)"', m)) for m in re.findall(pattern, block, re.M)]


def test_no_entry_is_fuzzy():
    fuzzy = [_strings(b, "msgid") for b in _entries() if "#, fuzzy" in b]
    assert fuzzy == []


def test_every_entry_is_translated():
    untranslated = [
        _strings(block, "msgid") for block in _entries() if not all(_strings(block, "msgstr"))
    ]
    assert untranslated == []
