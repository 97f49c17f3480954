"""GET /api/submissions/daily?days=&offset=: how many enquiries arrived on each of the last `days` days.

Each day is one Query with Select=COUNT on the inbox index (spam left out), bounded by that day's start and
end: DynamoDB counts and returns no items, so the function holds only numbers however busy a day was, and
the days are counted in parallel. A read grows with the enquiries in the window (docs/cost.md prices it);
a count not finished within the function's time is reported as incomplete rather than as a smaller number."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

import api_gateway as api
import dynamodb_client
import table_schema as ts
from dynamo_items import dynamo_errors
from owner_requests import owner_route, query, whole_number
from table_schema import iso_time
from view_limits import DEFAULT_DAYS, MAX_DAYS, MAX_OFFSET_MINUTES

PARALLEL_DAYS = 10  # concurrent Queries; botocore's default pool holds 10 connections
# Counting stops after this long and says so: within the shortest function timeout the settings allow (8 s).
COUNT_SECONDS = 5


def day_bounds(days: int, offset_minutes: int, now: datetime) -> list[tuple[str, str, str]]:
    """(local date, UTC start, UTC end) of each of the last `days` days, oldest first, in the caller's zone.
    `offset_minutes` is the zone's offset from UTC (east positive), as the browser reports it negated."""
    zone = timedelta(minutes=offset_minutes)
    today = (now + zone).date()
    bounds = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC) - zone
        bounds.append((day.isoformat(), iso_time(start), iso_time(start + timedelta(days=1))))
    return bounds


def count_between(client: Any, table: str, start: str, end: str, deadline: float) -> int | None:
    """Inbox enquiries created in [start, end); None when the deadline came first."""
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": ts.INBOX_INDEX,
        "KeyConditionExpression": "#k = :v AND #c BETWEEN :start AND :end",
        "ExpressionAttributeNames": {"#k": ts.INBOX, "#c": ts.CREATED_AT},
        # BETWEEN includes its end: the last millisecond before the next day's start.
        "ExpressionAttributeValues": {
            ":v": {"S": ts.INBOX_VALUE},
            ":start": {"S": start},
            ":end": {"S": iso_time(datetime.fromisoformat(end) - timedelta(milliseconds=1))},
        },
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
    days = whole_number(params, "days", DEFAULT_DAYS, 1, MAX_DAYS)
    offset = whole_number(params, "offset", 0, -MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES)
    deadline = datetime.now(UTC).timestamp() + COUNT_SECONDS
    bounds = day_bounds(days, offset, datetime.now(UTC))
    client, table = dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME
    with ThreadPoolExecutor(PARALLEL_DAYS) as pool:
        counts = list(pool.map(lambda b: count_between(client, table, b[1], b[2], deadline), bounds))
    body = {
        "days": [{"date": date, "count": count or 0} for (date, _, _), count in zip(bounds, counts, strict=True)],
        "complete": all(count is not None for count in counts),
    }
    return api.json_response(HTTPStatus.OK, body, api.request_id(event))


handler = owner_route(_daily)
