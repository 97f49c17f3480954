"""GET /api/submissions/daily?starts=&from= (or ?days=): how many enquiries arrived on each of the caller's last
days, each bounded by that day's start and end as the caller's zone has them (UTC days without them).

Each day is one Query with Select=COUNT on the inbox's keys-only index (spam left out), bounded by that day's
start and end: DynamoDB counts and returns no items, so the function holds only numbers however busy a day was,
and the days are counted in parallel. A read grows with the enquiries in the window, by their index entries'
size (keys only), not the enquiries' (docs/cost.md prices it);
a count not finished within the function's time is reported as incomplete rather than as a smaller number."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from itertools import pairwise
from typing import Any

import api_gateway as api
import dynamodb_client
import table_schema as ts
from dynamo_items import dynamo_errors
from owner_requests import owner_route, query, whole_number
from table_schema import iso_milliseconds
from view_limits import DEFAULT_DAYS, MAX_DAYS

PARALLEL_DAYS = 10  # concurrent Queries; botocore's default pool holds 10 connections
# Counting stops after this long and says so: within the shortest function timeout the settings allow (8 s).
COUNT_SECONDS = 5
# A local day's length: 24 hours, one less or more on a daylight-saving change (half an hour on Lord Howe Island).
MIN_DAY_SECONDS, MAX_DAY_SECONDS = 23 * 3600, 25 * 3600


def day_bounds(first: date, times: list[int]) -> list[tuple[str, str, str]]:
    """(date, UTC start, UTC last millisecond) of each day from `first`, bounded by `times` (epoch seconds: each
    day's start, then the last one's end). The last millisecond, as BETWEEN includes its end."""
    return [
        ((first + timedelta(days=n)).isoformat(), iso_milliseconds(start * 1000), iso_milliseconds(end * 1000 - 1))
        for n, (start, end) in enumerate(pairwise(times))
    ]


def utc_days(days: int, now: datetime) -> list[tuple[str, str, str]]:
    """The last `days` days in UTC, oldest first: for a caller that sends no days of its own."""
    first = now.date() - timedelta(days=days - 1)
    midnight = int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp())
    return day_bounds(first, [midnight + n * 86400 for n in range(days + 1)])


def local_days(starts: str, first: str) -> list[tuple[str, str, str]]:
    """(local date, UTC start, UTC last millisecond) of each day the caller bounds: `starts` holds each day's start
    in epoch seconds and the last day's end, as the caller's zone has them (23 to 25 hours apart across daylight
    saving), and `first` the first day's date. The caller knows its zone's rules; the function needs none."""
    parts = starts.split(",")
    times = [int(p) for p in parts if p.isascii() and p.isdigit() and len(p) <= 11]
    if not 2 <= len(times) == len(parts) <= MAX_DAYS + 1 or any(
        not MIN_DAY_SECONDS <= end - start <= MAX_DAY_SECONDS for start, end in pairwise(times)
    ):
        raise api.BadRequest(
            f"starts must be up to {MAX_DAYS + 1} times in epoch seconds, each day's start and then the last one's"
            " end, 23 to 25 hours apart",
            {"starts": "is not valid"},
        )
    try:
        day = date.fromisoformat(first) if len(first) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise api.BadRequest("from must be the first day's date, like 2026-12-01", {"from": "is not valid"})
    return day_bounds(day, times)


def count_between(client: Any, table: str, start: str, last: str, deadline: float) -> int | None:
    """Inbox enquiries created from `start` to `last`, both included; None when the deadline came first."""
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": ts.COUNT_INDEX,
        "KeyConditionExpression": "#k = :v AND #c BETWEEN :start AND :end",
        "ExpressionAttributeNames": {"#k": ts.INBOX, "#c": ts.CREATED_AT},
        "ExpressionAttributeValues": {":v": {"S": ts.INBOX_VALUE}, ":start": {"S": start}, ":end": {"S": last}},
        "Select": "COUNT",
    }
    total = 0
    while True:
        if datetime.now(UTC).timestamp() > deadline:
            return None
        with dynamo_errors():
            page = client.query(**request)
        total += int(page["Count"])
        if "LastEvaluatedKey" not in page:
            return total
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _daily(event: api.Event) -> api.Response:
    params = query(event)
    deadline = datetime.now(UTC).timestamp() + COUNT_SECONDS
    if params.get("starts"):
        bounds = local_days(params["starts"], params.get("from", ""))
    else:
        bounds = utc_days(whole_number(params, "days", DEFAULT_DAYS, 1, MAX_DAYS), datetime.now(UTC))
    client, table = dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME
    with ThreadPoolExecutor(PARALLEL_DAYS) as pool:
        counts = list(pool.map(lambda b: count_between(client, table, b[1], b[2], deadline), bounds))
    body = {
        "days": [{"date": date, "count": count or 0} for (date, _, _), count in zip(bounds, counts, strict=True)],
        "complete": all(count is not None for count in counts),
    }
    return api.json_response(HTTPStatus.OK, body, api.request_id(event))


handler = owner_route(_daily)
