#!/usr/bin/env python3
"""Reference client of the WIPP online-platform API (issue 14 item 7), standard library only.

Pushes rows from a JSON file (a list of row objects) in batches to

    POST <url>/api/v1/online/<kind>/batch/   {"project": <id>, "records": [...]}

with `Authorization: Api-Key <prefix>.<secret>` (the platform's API client). A batch is
stored whole or not at all: a 400 lists the bad rows (`row` is the 0-based index in the batch)
and the client stops; sending a batch again is safe (the same batch gets the same answer, and
rows already received are not stored twice), so after a network error simply run it again.
429 (too many requests) waits for Retry-After and retries.

    WIPP_API_KEY=ab12cd34.secret python3 scripts/online_platform_client.py \\
        --url https://wipp.example.gov.cn --project 12 --kind learning-records rows.json

Kinds: learning-records, face-captures, exam-results. Exit status 0 when every batch was
accepted, 1 when the server refused rows, 2 on other errors.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

KINDS = ("learning-records", "face-captures", "exam-results")


def post(url: str, key: str, payload: dict, *, retries: int = 5) -> tuple[int, dict]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    for _attempt in range(retries):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Api-Key {key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            if error.code == 429:
                time.sleep(float(error.headers.get("Retry-After") or 1))
                continue
            try:
                return error.code, json.loads(error.read() or b"{}")
            except ValueError:
                return error.code, {"detail": error.reason}
    return 429, {"detail": "still throttled after retries"}


def push(*, url: str, key: str, project: int, kind: str, rows: list, batch_size: int = 1000):
    """Yields (batch number, status, answer) for each batch."""
    endpoint = f"{url.rstrip('/')}/api/v1/online/{kind}/batch/"
    for number, start in enumerate(range(0, len(rows), batch_size), 1):
        status, answer = post(
            endpoint, key, {"project": project, "records": rows[start : start + batch_size]}
        )
        yield number, status, answer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", help="JSON file with a list of row objects")
    parser.add_argument("--url", required=True, help="the platform's address, e.g. https://…")
    parser.add_argument("--project", type=int, required=True, help="the project's id")
    parser.add_argument("--kind", choices=KINDS, default="learning-records")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--key", default=os.environ.get("WIPP_API_KEY", ""))
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("give the API key with --key or WIPP_API_KEY")
    with open(args.rows, encoding="utf-8") as handle:
        rows = json.load(handle)
    for number, status, answer in push(
        url=args.url,
        key=args.key,
        project=args.project,
        kind=args.kind,
        rows=rows,
        batch_size=args.batch_size,
    ):
        if status in (200, 201):
            again = " (received before)" if status == 200 else ""
            print(
                f"batch {number}: {answer['created']} new, {answer['unchanged']} unchanged"
                f" → server batch {answer['batch']}{again}"
            )
            continue
        print(f"batch {number}: HTTP {status}: {answer.get('detail', answer)}", file=sys.stderr)
        for error in answer.get("errors", []):
            print(
                f"  row {error['row']} ({error['platform_record_id']}): "
                + json.dumps(error["errors"], ensure_ascii=False),
                file=sys.stderr,
            )
        return 1 if status == 400 else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
