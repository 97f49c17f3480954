"""`make bench`, exports: the export writer's own peak memory (tracemalloc) and CPU, at several sizes.

The enquiries (about 2 KB each) are seeded straight into moto in the contact function's item format; the writer
runs in a child process against that moto, so its memory and CPU are its own, apart from the emulator's. The
budget: the writer's peak stays under 64 MB whatever the export's size (issue 22 asks it at 100,000 enquiries).
moto answers each Query page by reading the whole index again, so its time grows with the square of the size;
this runs 1,000 and 10,000 by default (BENCH_EXPORT_SIZES=1000,10000,100000 to try more)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from local import lambda_task_root
from local.emulator import EXPORTS_BUCKET, TABLE_NAME, Emulator
from local.persistence import restore_items
from scripts.bench import ROOT, verdict

PEAK_BUDGET_MB = 64.0
MESSAGE = ("We would like a quote for our two shops and the website that goes with them; " * 25)[:1900]
CHILD = """
import json, resource, sys, time, tracemalloc
sys.path[:0] = ["handlers"]
tracemalloc.start()
import export_job
imported = tracemalloc.get_traced_memory()[0] / 2**20  # boto3's clients and models, there at every cold start
import boto3, botocore.config, dynamodb_client  # moto's pages take longer than DynamoDB's: its time allowed
dynamodb_client.dynamodb = boto3.client("dynamodb", config=botocore.config.Config(read_timeout=600))
class Context:
    function_name = "bench-writer"
    def get_remaining_time_in_millis(self): return 3_600_000
started = time.process_time()
result = export_job.handler({"export_id": sys.argv[1]}, Context())
print(json.dumps({"cpu_s": time.process_time() - started, "peak_mb": tracemalloc.get_traced_memory()[1] / 2**20,
                  "import_mb": imported, "result": result}))
"""


def seed(first: int, count: int, spam_reason: str = "") -> float:
    """Enquiries `first` to `count` of about 2 KB, 20 s apart from 24 days ago (100,000 fill 23 days, so every one
    is in the chart's 30), the first (the oldest) alone saying "zeppelin"; returns the seconds it took."""
    lambda_task_root.enter()
    import submission_writes

    started, oldest, items = time.perf_counter(), datetime.now(UTC) - timedelta(days=24), []
    for n in range(first, count):
        message = ("zeppelin " if n == 0 and not spam_reason else "") + MESSAGE
        fields = {"first_name": f"Person{n}", "email": f"p{n}@example.com", "message": message}
        item = submission_writes.new_item(str(uuid.uuid4()), fields, spam_reason, 0)
        item["created_at"] = {"S": (oldest + timedelta(seconds=20 * n)).isoformat(timespec="milliseconds")[:23] + "Z"}
        items.append(item)
    restore_items(TABLE_NAME, items)
    return time.perf_counter() - started


def export_once() -> dict[str, Any]:
    """One export of the inbox by one run of the writer in a child process: its CPU, peak memory and the file."""
    import export_record
    import exports

    record = exports.new_record(None, "")
    export_record.save(exports.s3, EXPORTS_BUCKET, record, None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, record["id"]], cwd=ROOT, env=os.environ, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    final, _ = export_record.load(exports.s3, EXPORTS_BUCKET, record["id"]) or ({}, "")
    return {**figures, "wall_s": time.perf_counter() - started, "rows": final["rows"], "bytes": final["bytes"]}


def main() -> bool:
    sizes = sorted(int(s) for s in os.environ.get("BENCH_EXPORT_SIZES", "1000,10000").split(","))
    within, seeded = True, 0
    emulator = Emulator()  # one: moto's state belongs to the process, so each size adds to the last
    emulator.start()
    for size in sizes:
        try:
            seconds = seed(seeded, size)
            figures = export_once()
        except BaseException:
            emulator.stop()
            raise
        seeded = size
        peak = float(figures["peak_mb"])
        within = within and peak <= PEAK_BUDGET_MB
        print(
            f"export of {size:,} enquiries (seeding the added ones took {seconds:.1f} s): {figures['rows']:,} rows, "
            f"{int(figures['bytes']) / 2**20:.1f} MB; the writer's CPU {float(figures['cpu_s']):.2f} s "
            f"(wall {float(figures['wall_s']):.1f} s with moto); its peak {peak:.1f} MB, "
            f"{float(figures['import_mb']):.1f} of them held since the import "
            f"(budget {PEAK_BUDGET_MB:.0f}) {verdict(peak, PEAK_BUDGET_MB)}",
            flush=True,
        )
    emulator.stop()
    return within


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
