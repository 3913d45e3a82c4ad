"""Loading the region tree and the per-jurisdiction rules that are data."""

import json
from pathlib import Path

from django.db import transaction

from .models import DeadlineRule, Jurisdiction, JurisdictionLevel, KeyIndustry

DATA_DIR = Path(__file__).resolve().parent / "data"


def _upsert_jurisdiction(*, code, name, name_en, level, parent) -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.filter(code=code).first() or Jurisdiction(code=code)
    jurisdiction.name, jurisdiction.name_en = name, name_en
    jurisdiction.level, jurisdiction.parent = level, parent
    jurisdiction.full_clean(exclude=["path"])
    jurisdiction.save()
    return jurisdiction


@transaction.atomic
def jurisdictions_load(*, path: Path = DATA_DIR / "jurisdictions.json") -> list[Jurisdiction]:
    """Creates or updates the region tree and each root's key industries from a data file."""
    roots = []
    for node in json.loads(path.read_text(encoding="utf-8"))["roots"]:
        root = _upsert_jurisdiction(
            code=node["code"],
            name=node["name"],
            name_en=node.get("name_en", ""),
            level=node["level"],
            parent=None,
        )
        for child in node["children"]:
            _upsert_jurisdiction(
                code=child["code"],
                name=child["name"],
                name_en=child.get("name_en", ""),
                level=JurisdictionLevel.CITY,
                parent=root,
            )
        for industry in node["key_industries"]:
            KeyIndustry.objects.update_or_create(
                province=root, code=industry["code"], defaults={"name": industry["name"]}
            )
        roots.append(root)
    return roots


@transaction.atomic
def deadline_rules_load(*, path: Path = DATA_DIR / "deadline_rules.json") -> int:
    """Gives every jurisdiction the deadline rules of the measures, unless it has its own."""
    rules = json.loads(path.read_text(encoding="utf-8"))["rules"]
    created = 0
    for jurisdiction in Jurisdiction.objects.all():
        for rule in rules:
            only_for = rule.get("only_for")
            if only_for and jurisdiction.root.code not in only_for:
                continue
            _obj, was_created = DeadlineRule.objects.get_or_create(
                jurisdiction=jurisdiction,
                code=rule["code"],
                defaults={
                    "label": rule["label"],
                    "days": rule["days"],
                    "unit": rule["unit"],
                    "before_event": rule.get("before_event", False),
                    "source": rule["source"],
                },
            )
            created += was_created
    return created
