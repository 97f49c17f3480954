"""`make load`: many concurrent contact posts against a local runner, then proof that nothing was lost or doubled.

A share of the posts repeat an earlier submission_id (a retry, sometimes racing its original) and a share
are invalid. Afterwards the table must hold exactly the accepted unique submissions. Prints throughput,
latency percentiles and the counts; exits non-zero if anything was lost, doubled or answered 5xx.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from local import owner_session
from local.background import local_runner


@dataclass
class LoadResult:
    sent: int = 0
    new: int = 0  # first posts of a submission_id, answered 201
    repeats: int = 0  # posts of an already used submission_id, answered 201
    refused: int = 0  # invalid posts, answered 400
    server_errors: int = 0
    accepted_ids: set[str] = field(default_factory=set)
    stored_ids: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def lost(self) -> set[str]:
        return self.accepted_ids - set(self.stored_ids)

    @property
    def extra(self) -> int:
        return len(self.stored_ids) - len(self.accepted_ids)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def report(self) -> str:
        return (
            f"sent {self.sent} posts in {self.seconds:.1f} s: {self.sent / self.seconds:.0f} req/s, "
            f"p50 {statistics.median(self.latencies_ms):.1f} ms, p99 {self.percentile(0.99):.1f} ms\n"
            f"answers: {self.new} new (201), {self.repeats} repeats (201), {self.refused} invalid (400), "
            f"{self.server_errors} server errors\n"
            f"table: {len(self.stored_ids)} items for {len(self.accepted_ids)} accepted unique submissions; "
            f"lost {len(self.lost)}, extra {self.extra}"
        )


def plan(total: int, repeat_share: float, invalid_share: float, seed: int) -> list[tuple[str, dict[str, str]]]:
    """(kind, payload) for each post: "new", "repeat" (an earlier payload again) or "invalid"."""
    rng = random.Random(seed)
    posts: list[tuple[str, dict[str, str]]] = []
    for n in range(total):
        roll = rng.random()
        earlier = [p for kind, p in posts if kind == "new"]
        if roll < invalid_share:
            posts.append(("invalid", {"first_name": f"Bad{n}", "last_name": "L", "email": "not-an-email"}))
        elif roll < invalid_share + repeat_share and earlier:
            posts.append(("repeat", rng.choice(earlier[-50:])))  # recent ones, so some race their original
        else:
            payload = {"submission_id": str(uuid.uuid4()), "first_name": f"Load{n}", "last_name": "Test",
                       "email": f"load{n}@example.com", "message": "load test " * rng.randint(1, 40)}  # fmt: skip
            posts.append(("new", payload))
    return posts


def post(url: str, payload: dict[str, str]) -> tuple[int, str, float]:
    request = urllib.request.Request(
        f"{url}/api/contact", json.dumps(payload).encode(), {"content-type": "application/json"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    return status, body, (time.perf_counter() - started) * 1000


def run_load(url: str, token: str, total: int, clients: int, seed: int = 7) -> LoadResult:
    posts = plan(total, repeat_share=0.10, invalid_share=0.03, seed=seed)
    result = LoadResult()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = list(pool.map(lambda p: (p[0], *post(url, p[1])), posts))
    result.seconds = time.perf_counter() - started
    for kind, status, body, ms in answers:
        result.sent += 1
        result.latencies_ms.append(ms)
        if status >= 500:
            result.server_errors += 1
        elif status == 201:
            result.accepted_ids.add(json.loads(body)["submission_id"])
            result.repeats += kind == "repeat"
            result.new += kind == "new"
        elif status == 400 and kind == "invalid":
            result.refused += 1
        else:
            raise AssertionError(f"unexpected {status} for a {kind} post: {body}")
    result.stored_ids = [item["id"] for item in owner_session.all_submissions(url, token)]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    with local_runner() as site:
        token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
        result = run_load(site.url, token, args.total, args.clients)
    print(result.report())
    ok = not result.lost and result.extra == 0 and result.server_errors == 0
    print("OK: nothing lost, nothing doubled" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
