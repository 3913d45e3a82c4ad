"""The training world of tests/training plus the project's online platform and its API key."""

import datetime
import secrets
from dataclasses import dataclass

from apps.accounts.api.authentication import hash_api_secret
from apps.accounts.models import ApiClient
from apps.accounts.roles import Role
from apps.projects.models import ParticipantRole
from tests.factories import OrganisationFactory, ParticipantFactory, UserFactory
from tests.scoping_world import clear_documents
from tests.training.world import build_world, trainee_for

T0 = datetime.datetime(2027, 5, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@dataclass
class Online:
    world: object
    other: object
    platform: object
    client: object
    key: str
    trainees: list


def api_key_for(user, name="平台接口") -> tuple[ApiClient, str]:
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
    client = ApiClient.objects.create(
        name=name, service_user=user, key_prefix=prefix, key_hash=hash_api_secret(secret)
    )
    return client, f"{prefix}.{secret}"


def platform_user(world):
    user = UserFactory(
        role=Role.ONLINE_PLATFORM,
        organisation=OrganisationFactory(kind="online_platform", jurisdiction=world.city),
    )
    ParticipantFactory(
        project=world.project, role=ParticipantRole.ONLINE_PLATFORM, organisation=user.organisation
    )
    clear_documents(user)
    return user


def build_online(trainees: int = 3) -> Online:
    world, other = build_world()
    platform = platform_user(world)
    client, key = api_key_for(platform)
    people = [trainee_for(world, name=f"学员{i}") for i in range(trainees)]
    return Online(world, other, platform, client, key, people)


def learning_row(trainee, n: int, **overrides) -> dict:
    """Forty minutes of study with the captures the default interval (10 min) asks for."""
    start = T0 + datetime.timedelta(hours=n)
    row = {
        "platform_record_id": f"L-{n}",
        "resident_id": trainee.resident_id,
        "course": "安全生产法律法规",
        "lesson": f"第{n}讲",
        "started_at": start.isoformat(),
        "ended_at": (start + datetime.timedelta(minutes=45)).isoformat(),
        "seconds_watched": 2400,
        "captures": 4,
        "fast_forwarded": False,
        "idle_seconds": 0,
    }
    row.update(overrides)
    return row
