"""The implementation world of tests/implementation (two cities, each with a training and a
promotion project being implemented, the evaluation agency taking part in both) plus a second
evaluator of the same agency, and a settable server clock for supervision."""

import datetime
import io
import itertools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts.models import ComplianceDocument
from apps.accounts.roles import Role
from apps.supervision import services
from tests.factories import UserFactory
from tests.implementation.world import build_world, pdf

UTC = datetime.UTC
_n = itertools.count(1)

__all__ = ["Clock", "Sup", "build", "jpeg", "pdf"]


def jpeg(name="site.jpg", size=(640, 480)) -> SimpleUploadedFile:
    """A distinct JPEG each time (content-addressed store)."""
    n = next(_n)
    image = Image.new("RGB", size, (n * 37 % 255, 120, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def evaluator_of(organisation, *, commitment=True, name="评估人员乙"):
    """Another evaluator of the agency, with the HB §18 documents in person (or without the
    commitment letter)."""
    user = UserFactory(role=Role.EVALUATOR, organisation=organisation, full_name=name)
    kinds = ["evaluator_account"] + (["evaluator_commitment"] if commitment else [])
    for kind in kinds:
        ComplianceDocument.unscoped.create(
            organisation=organisation, person=user, kind=kind, status="approved"
        )
    return user


@dataclass
class Sup:
    city: object  # tests.implementation.world.City
    evaluator2: object

    def __getattr__(self, name):
        return getattr(self.city, name)


class Clock:
    """The supervision services' server time (2026-11-20 10:00 in Shanghai by default)."""

    def __init__(self, monkeypatch):
        self.now = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
        monkeypatch.setattr(services, "clock", lambda: self.now)

    def set(self, y, m, d, hour=2):
        self.now = datetime.datetime(y, m, d, hour, 0, tzinfo=UTC)


def build(monkeypatch):
    a, b = build_world()
    for c in (a, b):
        c.evaluator.full_name = "评估人员甲"
        c.evaluator.save(update_fields=["full_name"])
    return (
        Sup(a, evaluator_of(a.evaluator.organisation)),
        Sup(b, evaluator_of(b.evaluator.organisation)),
        Clock(monkeypatch),
    )


def onsite(w, *, user=None, project=None, **changes):
    data = {
        "kind": "onsite",
        "held_on": datetime.date(2026, 11, 19),
        "place": "长安区中山东路1号培训教室",
        "summary": "抽查第1期培训现场，签到与花名册一致",
        "latitude": "38.042307",
        "longitude": "114.514860",
    } | changes
    return services.inspection_record(
        user=user or w.evaluator, project=project or w.project, **data
    )
