"""`make bench-owner`: each of the owner's operations at several sizes of the table, as issue 22 asks.

Enquiries of about 2 KB are seeded straight into moto in the contact function's item format, one a minute back
from now, every one saying "quote" and only the oldest "zeppelin". Each operation runs in a child process against
that moto, following its cursors as the dashboard does until it is done, so the figures are the function's own:
its requests, its CPU (not moto's), and the read and write units DynamoDB would bill, computed from the sizes of
the items each call read or wrote by DynamoDB's rules (moto reports a constant). The time is the wall time here,
nearly all of it moto's: moto reads a whole index again for each page, so it grows with the square of the size
and says nothing about DynamoDB's speed. Sizes: BENCH_OWNER_SIZES (1000,10000). BENCH_OWNER_SPAM=9000 adds that
much spam (a wave held by the per-visitor limit) after the last size and runs the operations again: spam lives
in its own index, so the inbox's operations should read what they read without it. The search index is written
once the enquiries are seeded (scripts/reindex.py, what the stream's indexer writes), so searches go through it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import boto3

from local.emulator import INDEX_TABLE, TABLE_NAME, Emulator
from scripts.bench import ROOT
from scripts.bench_export import export_once, seed
from scripts.reindex import reindex

# The child: one operation, its cursors followed; DynamoDB's units counted from every response of the client.
CHILD = r"""
import json, math, sys, time
sys.path[:0] = ["handlers", "."]
operation, argument = sys.argv[1], sys.argv[2]
import os
import env_names
from local import edge
os.environ[env_names.EDGE_PROOF_HASHES] = edge.PROOF_HASH  # the local edge's secret is made per process
from local.gateway import LambdaContext
from tests.support.handler_events import owner_event
import dynamodb_client, owner, search, daily_counts, word_index

def size(item):
    # DynamoDB's item size: each attribute's name and value in UTF-8 (numbers counted as their digits).
    return sum(len(k.encode()) + len(str(next(iter(v.values()))).encode()) for k, v in item.items())

KEYS_ONLY = 82  # an inbox_keys entry: id, inbox, created_at
units = {"calls": 0, "rru": 0.0, "wru": 0.0}

def count(http_response, parsed, model, **_):
    units["calls"] += 1
    name, params = model.name, last_params.get("p", {})
    consistent = 1.0 if params.get("ConsistentRead") else 0.5
    if name in ("Query", "Scan"):
        items = parsed.get("Items")
        read = sum(size(i) for i in items) if items is not None else parsed.get("ScannedCount", 0) * KEYS_ONLY
        units["rru"] += max(1, math.ceil(read / 4096)) * consistent
    elif name == "GetItem":
        units["rru"] += max(1, math.ceil(size(parsed.get("Item", {})) / 4096)) * consistent
    elif name == "BatchGetItem":  # eventually consistent: each item by itself, 0.5 RRU per 4 KB
        fetched = [i for items in parsed.get("Responses", {}).values() for i in items]
        units["rru"] += sum(math.ceil(size(i) / 4096) * 0.5 for i in fetched)
    elif name == "DeleteItem" and params.get("TableName") == word_index.TABLE:
        units["wru"] += 1  # an enquiry's list of index entries: a few hundred bytes here
    elif name == "DeleteItem":
        units["wru"] += erased_sizes.pop(0) if erased_sizes else 1
    elif name == "BatchWriteItem":  # index entries, each under 1 KB
        units["wru"] += sum(len(requests) for requests in params.get("RequestItems", {}).values())

last_params, erased_sizes = {}, []
# moto reads a whole index again for each page: at 10,000 enquiries a page can take longer than the functions' 2 s
# read timeout, which is set for DynamoDB's speed. The same calls, with moto's time allowed.
import boto3, botocore.config
patient = botocore.config.Config(read_timeout=600, retries={"total_max_attempts": 1})
dynamodb_client.dynamodb = boto3.client("dynamodb", config=patient)
client = dynamodb_client.dynamodb
client.meta.events.register("provide-client-params.dynamodb.*", lambda params, **_: last_params.update(p=dict(params)))
client.meta.events.register("after-call.dynamodb.*", count)

def erase_units(http_response, parsed, model, **_):
    # A Scan page the erasure reads: each matching item it then deletes is billed per 1 KB, in the table and in
    # each index the item is in (the keys-only index's entry is one unit).
    if model.name == "Scan":
        for item in parsed.get("Items", []):
            if item.get("email", {}).get("S", "").lower() == argument:
                whole = math.ceil(size(item) / 1024)
                indexes = ("inbox" in item) * (whole + 1) + whole + ("spam_at" in item) * whole
                erased_sizes.append(whole + indexes)
client.meta.events.register("after-call.dynamodb.Scan", erase_units)

started_cpu, started, requests, found = time.process_time(), time.monotonic(), 0, 0
cursor = None
while True:
    requests += 1
    context = LambdaContext("bench", "bench")
    if operation == "page":
        answer = owner.list_submissions(owner_event("GET", "/api/submissions", {"limit": "25"}), context)
    elif operation == "chart":
        answer = daily_counts.handler(owner_event("GET", "/api/submissions/daily", {"days": "30"}), context)
    elif operation == "search":
        query = {"q": argument, "limit": "25", **({"cursor": cursor} if cursor else {})}
        answer = search.handler(owner_event("GET", "/api/submissions/search", query), context)
    else:
        body = {"email": argument, **({"cursor": cursor} if cursor else {})}
        answer = owner.erase_person(owner_event("POST", "/api/submissions/erase", body=body), context)
    body = json.loads(answer["body"])
    assert answer["statusCode"] == 200, body
    found += len(body.get("items", [])) + body.get("deleted", 0) + sum(d["count"] for d in body.get("days", []))
    cursor = body.get("cursor")
    if operation in ("page", "chart") or not cursor or (operation == "search" and body["items"]):
        break
print(json.dumps({**units, "requests": requests, "found": found, "cpu_s": time.process_time() - started_cpu,
                  "wall_s": time.monotonic() - started, "complete": body.get("complete", True)}))
"""

OPERATIONS = [
    ("first inbox page (25)", "page", ""),
    ("chart, 30 days", "chart", ""),
    ("search, a common word, first page", "search", "quote"),
    ("search, a word only the oldest holds", "search", "zeppelin"),
    ("search, no match (the whole inbox)", "search", "xylophone"),
    ("erase one address (every status)", "erase", "p{middle}@example.com"),
]


def run(operation: str, argument: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, operation, argument], cwd=ROOT, env=os.environ, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    sizes = sorted(int(s) for s in os.environ.get("BENCH_OWNER_SIZES", "1000,10000").split(","))
    spam = int(os.environ.get("BENCH_OWNER_SPAM", "0"))
    emulator = Emulator()  # one: moto's state belongs to the process, so each size adds to the last
    emulator.start()
    seeded = 0
    try:
        for size in sizes + ([sizes[-1]] if spam else []):
            if size > seeded:
                seconds = seed(seeded, size)
                seeded = size
                started = time.perf_counter()
                reindex(boto3.client("dynamodb"), TABLE_NAME, INDEX_TABLE)  # as the stream's indexer would have
                print(
                    f"{size:,} enquiries of about 2 KB (seeding the added ones took {seconds:.1f} s, indexing them"
                    f" all {time.perf_counter() - started:.1f} s):",
                    flush=True,
                )
            else:
                seconds = seed(size, size + spam, "visitor-limit")
                print(f"the same and {spam:,} spam of about 2 KB (seeding the spam took {seconds:.1f} s):", flush=True)
            for label, operation, argument in OPERATIONS:
                f = run(operation, argument.format(middle=size // 2))
                print(
                    f"  {label}: {int(f['requests'])} request(s), {int(f['calls'])} DynamoDB calls, "
                    f"{f['rru']:,.1f} RRU, {f['wru']:,.0f} WRU; the function's CPU {f['cpu_s'] * 1000:,.0f} ms; "
                    f"{f['wall_s']:.1f} s here with moto; found {int(f['found'])}"
                    + ("" if f["complete"] else " (incomplete: the chart stopped at its 5 s deadline)"),
                    flush=True,
                )
            started = time.perf_counter()
            export = export_once()
            print(
                f"  export of everything: {export['rows']:,} rows, {int(export['bytes']) / 2**20:.1f} MB; the writer's "
                f"CPU {float(export['cpu_s']) * 1000:,.0f} ms, peak {float(export['peak_mb']):.1f} MB; "
                f"{time.perf_counter() - started:.1f} s here with moto",
                flush=True,
            )
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
