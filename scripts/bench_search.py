"""`make bench`, the owner's side: search and daily counts over 5,000 stored enquiries, on a local runner.

Time to the first page of results as the dashboard asks for it (HTTP to the runner, the JWT check, the
handler, moto): a common word, a word only the oldest enquiry holds (the whole inbox read), and no match."""

from __future__ import annotations

import json
import statistics
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import boto3

from handlers import table_schema as ts
from local import owner_session
from local.background import local_runner
from local.emulator import REGION, TABLE_NAME

ENQUIRIES = 5000
RUNS = 5
WORDS = ("quote", "website", "shop", "invoice", "delivery", "booking", "catalogue", "repair", "training", "visit")


def stored_enquiries(count: int) -> list[dict[str, dict[str, str]]]:
    """`count` inbox items as the contact handler writes them, spread over 60 days, newest last; the oldest alone
    says "zeppelin"; every tenth says "quote"."""
    start = datetime.now(UTC) - timedelta(days=60)
    items = []
    for n in range(count):
        created = (start + timedelta(seconds=n * 60 * 60 * 24 * 60 / count)).isoformat(timespec="milliseconds")
        message = ("zeppelin " if n == 0 else "") + " ".join(WORDS[(n + k) % len(WORDS)] for k in range(1, 4))
        message += f" for our company, about {n} items. " * 3 + ("quote" if n % 10 == 0 else "")
        plain = {
            ts.HASH_KEY: str(uuid.uuid4()),
            ts.CREATED_AT: created.replace("+00:00", "Z"),
            ts.STATUS: ts.NEW,
            ts.INBOX: ts.INBOX_VALUE,
            "first_name": f"Person{n}",
            "last_name": "Example",
            "email": f"person{n}@example.com",
            "company": f"Company {n % 97}",
            "message": message,
        }
        items.append({k: {"S": v} for k, v in plain.items()})
    return items


def first_page_ms(url: str, token: str, path: str) -> tuple[float, dict[str, object]]:
    request = urllib.request.Request(url + path, headers={"authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    return (time.perf_counter() - started) * 1000, body


def main() -> dict[str, float]:
    """Median milliseconds per case, printed as it goes."""
    results: dict[str, float] = {}
    with local_runner() as site:
        endpoint = owner_session.page_config(site.url)["cognitoEndpoint"]
        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106  (moto on loopback)
        )
        items = stored_enquiries(ENQUIRIES)
        for start in range(0, len(items), 25):
            dynamodb.batch_write_item(
                RequestItems={TABLE_NAME: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
            )
        token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
        cases = {
            "search, a common word (first page of 25)": "/api/submissions/search?"
            + urllib.parse.urlencode({"q": "quote"}),
            "search, only the oldest matches (every enquiry read)": "/api/submissions/search?q=zeppelin",
            "search, no match (every enquiry read)": "/api/submissions/search?q=nothing-matches-this",
            "daily counts, 30 days": "/api/submissions/daily?days=30",
            "list, first page of 25": "/api/submissions",
        }
        for name, path in cases.items():
            timings = []
            for _ in range(RUNS):
                ms, body = first_page_ms(site.url, token, path)
                timings.append(ms)
            results[name] = statistics.median(timings)
            shown = len(body.get("items", body.get("days", [])))  # type: ignore[arg-type]
            print(f"{name}: median {results[name]:.0f} ms over {RUNS} runs, {ENQUIRIES:,} stored ({shown} returned)")
    return results


if __name__ == "__main__":
    main()
