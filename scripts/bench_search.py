"""`make bench`, the owner's side: search over 5,000 stored enquiries.

1. On a local runner, the time to the first page of results as the dashboard asks for it (HTTP, the JWT
   check, the handler, moto): a common word, a word only the oldest enquiry holds, and no match (through the
   search index), and a letter no enquiry holds (the scan: it reads the whole inbox). moto pages an index by
   scanning it again for each page, so the full read says more about moto than about DynamoDB, whose pages take
   milliseconds.
2. In this process, the search function's own work for a scan's full read of 5,000 enquiries, with the
   view's pages answered from memory: what Lambda adds to DynamoDB's page times."""

from __future__ import annotations

import json
import os
import statistics
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from handlers import table_schema as ts
from local import lambda_task_root, owner_session
from local.background import local_runner
from local.emulator import INDEX_TABLE, REGION, TABLE_NAME
from scripts.bench import LAMBDA_ENV, SEARCH_BUDGETS, verdict

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


def wait_for_the_index(dynamodb: Any, last_id: str) -> float:
    """Seconds until the runner's search indexer has indexed the last enquiry written (it takes the stream in
    order), so the searches do not queue behind it in moto, which answers one request at a time."""
    lambda_task_root.enter()
    import word_index

    started = time.monotonic()
    while word_index.entries_of(dynamodb, INDEX_TABLE, last_id) is None:
        if time.monotonic() - started > 900:
            raise TimeoutError("the runner's indexer did not index the enquiries within 15 minutes")
        time.sleep(2)
    return time.monotonic() - started


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
        indexed_seconds = wait_for_the_index(dynamodb, items[-1][ts.HASH_KEY]["S"])
        print(f"the runner's indexer took {indexed_seconds:.0f} s to index the {ENQUIRIES:,} enquiries", flush=True)
        token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
        # The full reads last: moto keeps working on a page the handler's client has given up on, and that load
        # would slow whatever came after.
        cases = {
            "list, first page of 25 (for comparison)": "/api/submissions",
            "search, a common word (first page of 25)": "/api/submissions/search?q=quote",
            "search, only the oldest matches (through the search index)": "/api/submissions/search?q=zeppelin",
            "search, no match (through the search index)": "/api/submissions/search?q=nothing-matches-this",
            # One letter: no word the index holds, so the search reads the view, every enquiry of it.
            "search, a letter no enquiry holds (every enquiry read)": "/api/submissions/search?q=j",
        }
        for name, path in cases.items():
            timings = []
            for _ in range(RUNS):
                ms, body = first_page_ms(site.url, token, path)
                timings.append(ms)
            results[name] = statistics.median(timings)
            shown = len(body["items"])  # type: ignore[arg-type]
            print(f"{name}: median {results[name]:.0f} ms over {RUNS} runs, {ENQUIRIES:,} stored ({shown} returned)")
    return results


class AnsweringIndex:
    """The inbox index's Query pages from memory, newest first, so only the search function's work is timed."""

    def __init__(self, items: list[dict[str, dict[str, str]]]) -> None:
        self.items = sorted(items, key=lambda i: i[ts.CREATED_AT]["S"], reverse=True)
        self.position = {item[ts.HASH_KEY]["S"]: n for n, item in enumerate(self.items)}

    def query(self, **request: Any) -> dict[str, Any]:
        key = request.get("ExclusiveStartKey")
        start = self.position[key[ts.HASH_KEY]["S"]] + 1 if key else 0
        page = self.items[start : start + request["Limit"]]
        answer: dict[str, Any] = {"Items": page, "Count": len(page)}
        if start + len(page) < len(self.items):
            answer["LastEvaluatedKey"] = {k: page[-1][k] for k in (ts.HASH_KEY, ts.CREATED_AT, ts.INBOX)}
        return answer


def handler_full_read_ms(runs: int = RUNS) -> float:
    """Median CPU milliseconds the search function spends reading and matching all 5,000 (no match)."""
    os.environ.update(LAMBDA_ENV)
    lambda_task_root.enter()
    import search

    index = AnsweringIndex(stored_enquiries(ENQUIRIES))
    timings = []
    for _ in range(runs):
        started = time.process_time()
        page = search.search_page(index, "submissions", None, 25, None, "j")  # the scan: a letter none holds
        timings.append((time.process_time() - started) * 1000)
        assert page["searched"] == ENQUIRIES and page["items"] == [], page["searched"]
    median = statistics.median(timings)
    print(f"search function's own work for a full read of {ENQUIRIES:,} (DynamoDB answered from memory): "
          f"median {median:.0f} ms CPU over {runs} runs")  # fmt: skip
    return median


if __name__ == "__main__":
    first_page = main()["search, a common word (first page of 25)"]
    full_read = handler_full_read_ms()
    print(f"search budgets: first page {first_page:.0f} ms (budget {SEARCH_BUDGETS['first_page_ms']:.0f})", end=" ")
    print(verdict(first_page, SEARCH_BUDGETS["first_page_ms"]), end="; ")
    print(f"full read {full_read:.0f} ms CPU (budget {SEARCH_BUDGETS['full_read_cpu_ms']:.0f})", end=" ")
    print(verdict(full_read, SEARCH_BUDGETS["full_read_cpu_ms"]))
    over = first_page > SEARCH_BUDGETS["first_page_ms"] or full_read > SEARCH_BUDGETS["full_read_cpu_ms"]
    raise SystemExit(1 if over else 0)
