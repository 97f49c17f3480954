"""The local emulator keeps DynamoDB's promise that each update of an item is atomic, which moto's backends alone
do not under concurrent requests (make dev's load, a burst of posts from one office)."""

from __future__ import annotations

import threading
import uuid

import boto3

from hourly_limits import count_once
from local.emulator import COUNTERS_TABLE

THREADS, EACH = 8, 60


def test_concurrent_counts_of_one_item_are_each_applied_once(emulator: object) -> None:
    """Eight threads count 480 posts of one visitor at once: every count lands, and each post gets its own number.
    With moto's own threaded server this lost updates (476 counted of 480, 462 distinct numbers)."""
    client, key, now = boto3.client("dynamodb"), f"visitor test-{uuid.uuid4()}", 1_800_000_000
    numbers: list[int] = []

    def count() -> None:
        for _ in range(EACH):
            numbers.append(count_once(client, COUNTERS_TABLE, key, str(uuid.uuid4()), 10**9, 600, now))

    threads = [threading.Thread(target=count) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    item = client.get_item(TableName=COUNTERS_TABLE, Key={"counter": {"S": f"{key} {now // 3600}"}})["Item"]
    assert int(item["posts"]["N"]) == len(item["ids"]["SS"]) == THREADS * EACH
    assert sorted(numbers) == list(range(1, THREADS * EACH + 1))
