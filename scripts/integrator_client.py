#!/usr/bin/env python3
"""Reference client of the WIPP write API for integrating systems (issue 16 item 7), standard
library only. It runs the operations an administrative department's or applicant's own system
needs, end to end, against a running server:

1. `GET /api/v1/me/` — who the key acts as;
2. `GET /api/v1/organisations/?credit_code=…` — an organisation by its credit code;
3. `POST /api/v1/procurements/<id>/requirements/batch/` — the requirements of a draft
   procurement from a JSON file, in one atomic batch under an `Idempotency-Key` (the file's
   SHA-256, so running the client again replays the stored answer and adds nothing);
4. `POST /api/v1/procurements/<id>/documents/` — a tender document (multipart);
5. `POST /api/v1/applications/<id>/attachments/` — an attachment of a draft application;
6. `GET /api/v1/procurements/?updated_since=…` — the procurements changed since a time,
   page by page;
7. `POST /api/v1/training-classes/<id>/trainees/batch/` — the implementing agency's trainees
   of a class from a JSON file (the fields of the Excel roster), in one atomic batch under an
   `Idempotency-Key` (the file's SHA-256, as for the requirements): the online platforms then
   find these learners by their ID number.

Every error answer is RFC 9457 problem details (`application/problem+json`: `code`, `detail`,
`errors`); the client prints it and exits 1. 429 waits for Retry-After and retries.

    WIPP_API_KEY=ab12cd34.secret python3 scripts/integrator_client.py \\
        --url https://wipp.example.gov.cn --credit-code 91130100MA0000000X \\
        --procurement 7 --requirements requirements.json --document tender.pdf \\
        --application 12 --attachment business_licence:licence.pdf --since 2027-01-01

    WIPP_API_KEY=… python3 scripts/integrator_client.py --url … \\
        --training-class 31 --trainees trainees.json

Exit status 0 when every step succeeded, 1 when the server refused one, 2 on other errors.
"""

import argparse
import hashlib
import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


class Refused(Exception):
    def __init__(self, status: int, problem: dict):
        super().__init__(f"{status} {problem.get('code', '')}: {problem.get('detail', '')}")
        self.status = status
        self.problem = problem


class Api:
    def __init__(self, url: str, key: str):
        self.url = url.rstrip("/")
        self.key = key

    def call(self, method, path, *, body=None, content_type=None, headers=None, retries=5):
        url = path if path.startswith("http") else self.url + path
        for _attempt in range(retries):
            request = urllib.request.Request(
                url,
                data=body,
                method=method,
                headers={
                    "Authorization": f"Api-Key {self.key}",
                    "Accept": "application/json",
                    **({"Content-Type": content_type} if content_type else {}),
                    **(headers or {}),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    return response.status, json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                if error.code == 429:
                    time.sleep(float(error.headers.get("Retry-After") or 1))
                    continue
                try:
                    problem = json.loads(error.read() or b"{}")
                except ValueError:
                    problem = {"detail": error.reason}
                raise Refused(error.code, problem) from None
        raise Refused(429, {"code": "throttled", "detail": "still throttled after retries"})

    def get(self, path, **query):
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self.call("GET", path)[1]

    def post_json(self, path, payload, **headers):
        body = json.dumps(payload, ensure_ascii=False).encode()
        return self.call("POST", path, body=body, content_type="application/json", headers=headers)

    def post_multipart(self, path, fields: dict, file_field: str, file_path: str):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        filename = os.path.basename(file_path)
        media = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        with open(file_path, "rb") as handle:
            content = handle.read()
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{filename}"\r\nContent-Type: {media}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.call(
            "POST",
            path,
            body=b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    def pages(self, path, **query):
        """Every row of a list, following `next` (numbered or cursor pages alike)."""
        page = self.get(path, **query)
        while True:
            yield from page["results"]
            if not page.get("next"):
                return
            page = self.call("GET", page["next"])[1]


def run(args, api: Api, out=print) -> None:
    me = api.get("/api/v1/me/")
    out(f"acting as {me['username']} ({me['role']}) of {me['organisation']['name']}")
    if args.credit_code:
        found = api.get("/api/v1/organisations/", credit_code=args.credit_code)["results"]
        out(f"credit code {args.credit_code}: {[o['name'] for o in found] or 'not found'}")
    if args.procurement and args.requirements:
        with open(args.requirements, "rb") as handle:
            raw = handle.read()
        key = "requirements-" + hashlib.sha256(raw).hexdigest()[:32]
        status, answer = api.post_json(
            f"/api/v1/procurements/{args.procurement}/requirements/batch/",
            {"requirements": json.loads(raw)},
            **{"Idempotency-Key": key},
        )
        verb = "added" if status == 201 else "already received (replayed)"
        numbers = [r["number"] for r in answer["results"]]
        out(f"requirements: {answer['rows']} {verb}: numbers {numbers}")
    if args.procurement and args.document:
        _status, document = api.post_multipart(
            f"/api/v1/procurements/{args.procurement}/documents/",
            {"kind": args.document_kind},
            "file",
            args.document,
        )
        out(f"document {document['kind']} stored as evidence {document['evidence']}")
    if args.application and args.attachment:
        kind, _sep, path = args.attachment.partition(":")
        _status, attachment = api.post_multipart(
            f"/api/v1/applications/{args.application}/attachments/", {"kind": kind}, "file", path
        )
        out(f"attachment {attachment['kind']} added to application {args.application}")
    if args.training_class and args.trainees:
        with open(args.trainees, "rb") as handle:
            raw = handle.read()
        key = "trainees-" + hashlib.sha256(raw).hexdigest()[:32]
        status, answer = api.post_json(
            f"/api/v1/training-classes/{args.training_class}/trainees/batch/",
            {"trainees": json.loads(raw)},
            **{"Idempotency-Key": key},
        )
        verb = "enrolled" if status == 201 else "already received (replayed)"
        out(f"trainees: {answer['rows']} {verb}: ids {[r['id'] for r in answer['results']]}")
        for result in answer["results"]:
            if result["warnings"]:
                warnings = json.dumps(result["warnings"], ensure_ascii=False)
                out(f"  row {result['row']}: {warnings} (added, with a finding)")
    if args.since:
        changed = list(api.pages("/api/v1/procurements/", updated_since=args.since))
        out(f"procurements changed since {args.since}: {[p['reference'] for p in changed]}")


def main(argv=None, out=print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", default=os.environ.get("WIPP_API_KEY", ""))
    parser.add_argument("--credit-code")
    parser.add_argument("--procurement", type=int)
    parser.add_argument("--requirements", help="JSON file: a list of requirement rows")
    parser.add_argument("--document", help="a tender document to upload")
    parser.add_argument("--document-kind", default="tender_documents")
    parser.add_argument("--application", type=int)
    parser.add_argument("--attachment", help="kind:path, e.g. business_licence:licence.pdf")
    parser.add_argument("--since", help="ISO 8601 date or date-time")
    parser.add_argument("--training-class", type=int)
    parser.add_argument("--trainees", help="JSON file: a list of trainee rows")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("give --key or set WIPP_API_KEY")
    try:
        run(args, Api(args.url, args.key), out=out)
    except Refused as refused:
        out(f"refused: {refused}")
        for error in refused.problem.get("errors") or []:
            out(f"  {json.dumps(error, ensure_ascii=False)}")
        if isinstance(refused.problem.get("errors"), dict):
            out(f"  {json.dumps(refused.problem['errors'], ensure_ascii=False)}")
        return 1
    except (OSError, ValueError, KeyError) as error:
        out(f"error: {error}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
