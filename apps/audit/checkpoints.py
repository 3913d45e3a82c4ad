"""Signed checkpoints of the audit chain, kept where the database cannot reach them.

A checkpoint records, at one moment, how far the chain goes: its number (1, 2, 3 … with no
gap), kind (`chain` after the sequencer linked entries, `purge` after the retention purge),
the count of entries ever chained, the last position and its hash, the time, the key id, the
previous checkpoint's signature (so the files form a chain of their own), and the purge
boundary (every position up to `purged_through_seq` was deleted by the purge; the hash of
that last purged entry, `purge_anchor_hash`, is what the first remaining entry links to).
`signature` is HMAC-SHA256 over the rest with the audit key (apps.audit.chain.sign).

Where: one JSON file per checkpoint in `WIPP_AUDIT_CHECKPOINT_DIR`, created exclusively (a
name is never written twice: `<number>-<kind>-<last position>.json`), and, when
`WIPP_AUDIT_CHECKPOINT_S3_BUCKET` is set, the same JSON as an S3 object written under
object-lock retention (COMPLIANCE mode for `WIPP_AUDIT_CHECKPOINT_S3_RETENTION_DAYS`): not
even the bucket's owner can delete or overwrite it before the date. The bucket must be
created with object lock enabled.
"""

import datetime
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .chain import GENESIS_HASH, key_for, sign, signature_valid, signing_key

S3_PREFIX = "audit-checkpoints/"


def checkpoint_dir() -> Path:
    return Path(settings.WIPP_AUDIT_CHECKPOINT_DIR)


def _file_name(payload: dict) -> str:
    return f"{payload['number']:012d}-{payload['kind']}-{payload['last_seq']}.json"


def _encode(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=1).encode()


def s3_client():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=settings.WIPP_AUDIT_CHECKPOINT_S3_ENDPOINT_URL or None,
        region_name=settings.WIPP_AUDIT_CHECKPOINT_S3_REGION,
    )


def checkpoint_build(
    *,
    number: int,
    kind: str,
    last_seq: int,
    head_hash: str,
    previous: dict | None,
    purged_through_seq: int | None = None,
    purge_anchor_hash: str | None = None,
    purged_entries: int = 0,
) -> dict:
    kid, key = signing_key()
    payload = {
        "version": 1,
        "number": number,
        "kind": kind,
        "count": last_seq,
        "last_seq": last_seq,
        "head_hash": head_hash or GENESIS_HASH,
        "time": timezone.now().astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "key_id": kid,
        "previous": previous["signature"] if previous else "",
        "purged_through_seq": (
            purged_through_seq
            if purged_through_seq is not None
            else (previous or {}).get("purged_through_seq", 0)
        ),
        "purge_anchor_hash": (
            purge_anchor_hash
            if purge_anchor_hash is not None
            else (previous or {}).get("purge_anchor_hash", GENESIS_HASH)
        ),
        "purged_entries": purged_entries,
    }
    payload["signature"] = sign(payload, key=key)
    return payload


def checkpoint_store(payload: dict) -> None:
    """Writes the checkpoint to the directory (exclusive create: never overwrites) and, when
    configured, to S3 under object lock."""
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    data = _encode(payload)
    path = directory / _file_name(payload)
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    bucket = settings.WIPP_AUDIT_CHECKPOINT_S3_BUCKET
    if bucket:
        retain_until = timezone.now() + datetime.timedelta(
            days=settings.WIPP_AUDIT_CHECKPOINT_S3_RETENTION_DAYS
        )
        s3_client().put_object(
            Bucket=bucket,
            Key=S3_PREFIX + _file_name(payload),
            Body=data,
            ContentType="application/json",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=retain_until,
            ChecksumAlgorithm="SHA256",
        )


def checkpoint_read_number(number: int) -> dict | None:
    """The checkpoint with this number from the directory, or None."""
    if number <= 0:
        return None
    matches = sorted(checkpoint_dir().glob(f"{number:012d}-*.json"))
    if not matches:
        return None
    return json.loads(matches[0].read_bytes())


def _why_invalid(payload: dict) -> str:
    if key_for(str(payload.get("key_id", ""))) is None:
        return f"is signed with key {payload.get('key_id')}, which is not configured"
    return "has no valid signature"


def checkpoints_load() -> tuple[list[dict], list[str]]:
    """Every checkpoint (directory, plus S3 when configured), ordered by number, and the
    problems found in the set itself: an unreadable or forged file, a gap in the numbering,
    a broken link to the previous checkpoint, an S3 checkpoint missing from the directory."""
    problems: list[str] = []
    by_number: dict[int, dict] = {}
    directory = checkpoint_dir()
    names = sorted(p.name for p in directory.glob("*.json")) if directory.exists() else []
    for name in names:
        try:
            payload = json.loads((directory / name).read_bytes())
            number = int(payload["number"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint file {name} is unreadable")
            continue
        if not signature_valid(payload):
            problems.append(f"checkpoint #{number} ({name}) {_why_invalid(payload)}")
            continue
        if number in by_number:
            problems.append(f"checkpoint #{number} exists twice")
            continue
        by_number[number] = payload
    bucket = settings.WIPP_AUDIT_CHECKPOINT_S3_BUCKET
    if bucket:
        client = s3_client()
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=S3_PREFIX):
            for item in page.get("Contents", []):
                body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                try:
                    payload = json.loads(body)
                    number = int(payload["number"])
                except (ValueError, KeyError, TypeError):
                    problems.append(f"S3 checkpoint {item['Key']} is unreadable")
                    continue
                if not signature_valid(payload):
                    problems.append(f"S3 checkpoint #{number} {_why_invalid(payload)}")
                    continue
                local = by_number.get(number)
                if local is None:
                    problems.append(f"checkpoint #{number} was removed from the directory")
                    by_number[number] = payload
                elif local["signature"] != payload["signature"]:
                    problems.append(f"checkpoint #{number} differs from its S3 copy")
    ordered = [by_number[n] for n in sorted(by_number)]
    previous = None
    for expected, payload in enumerate(ordered, start=1):
        if payload["number"] != expected:
            problems.append(f"checkpoint #{expected} is missing")
            break
        if payload["previous"] != (previous["signature"] if previous else ""):
            problems.append(f"checkpoint #{expected} does not link to checkpoint #{expected - 1}")
            break
        if previous and (
            payload["last_seq"] < previous["last_seq"]
            or payload["purged_through_seq"] < previous["purged_through_seq"]
        ):
            problems.append(f"checkpoint #{expected} goes backwards")
            break
        previous = payload
    return ordered, problems
