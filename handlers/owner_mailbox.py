"""The owner's mailbox: at most notifyMaxPerHour enquiry emails an hour, however many arrive. The rest of an hour's
are counted, and one digest after the hour says how many (and how many posts the visitor limit kept as spam)."""

from __future__ import annotations

from typing import Any

import botocore.exceptions

from hourly_limits import count_once
from table_schema import (
    CONDITION_FAILED,
    COUNTER_KEY,
    CREATED_AT,
    HOUR_SECONDS,
    MAILBOX_COUNT,
    SPAM,
    SPAM_REASON,
    STATUS,
    STATUS_INDEX,
    VISITOR_LIMIT,
    iso_milliseconds,
)

OVER = "over"  # the hour's enquiries past the cap, not emailed one by one
DIGEST_SENT = "digest_sent"
KEEP_SECONDS = 2 * 86400  # the digest reads an hour's count after it, retried for up to a day


def _key(hour: int) -> dict[str, dict[str, str]]:
    return {COUNTER_KEY: {"S": f"{MAILBOX_COUNT} {hour}"}}


def admits(client: Any, counters: str, submission_id: str, most: int, now: float) -> bool:
    """Whether this enquiry is emailed on its own: the hour's first `most` are (a retried one again); any after them
    is counted for the hour's digest instead."""
    if count_once(client, counters, MAILBOX_COUNT, submission_id, most, KEEP_SECONDS, now):
        return True
    client.update_item(
        TableName=counters,
        Key=_key(int(now) // HOUR_SECONDS),
        UpdateExpression="ADD #over :one",
        ExpressionAttributeNames={"#over": OVER},
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    return False


def claim_digest(client: Any, counters: str, hour: int) -> int:
    """How many of `hour`'s enquiries were not emailed, claiming the hour's one digest; 0 when there were none or
    it is claimed already (a repeated schedule sends nothing twice)."""
    try:
        answer = client.update_item(
            TableName=counters,
            Key=_key(hour),
            UpdateExpression="SET #sent = :yes",
            ConditionExpression="#over > :none AND attribute_not_exists(#sent)",
            ExpressionAttributeNames={"#over": OVER, "#sent": DIGEST_SENT},
            ExpressionAttributeValues={":yes": {"BOOL": True}, ":none": {"N": "0"}},
            ReturnValues="ALL_NEW",
        )
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") == CONDITION_FAILED:
            return 0
        raise
    return int(answer["Attributes"][OVER]["N"])


def release_digest(client: Any, counters: str, hour: int) -> None:
    """Unclaims the hour's digest after it failed to send, so the schedule's retry sends it."""
    client.update_item(
        TableName=counters,
        Key=_key(hour),
        UpdateExpression="REMOVE #sent",
        ExpressionAttributeNames={"#sent": DIGEST_SENT},
    )


def iso_hour(hour: int) -> str:
    """The start of clock hour `hour` as created_at is written."""
    return iso_milliseconds(hour * HOUR_SECONDS * 1000)


def held_back(client: Any, table: str, hour: int) -> int:
    """The posts of `hour` the visitor limit kept as spam, counted on the status index (never read whole)."""
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": STATUS_INDEX,
        "Select": "COUNT",
        "KeyConditionExpression": "#status = :spam AND #created BETWEEN :start AND :end",
        "FilterExpression": "#reason = :limit",
        "ExpressionAttributeNames": {"#status": STATUS, "#created": CREATED_AT, "#reason": SPAM_REASON},
        "ExpressionAttributeValues": {
            ":spam": {"S": SPAM},
            ":start": {"S": iso_hour(hour)},
            ":end": {"S": iso_hour(hour + 1)},
            ":limit": {"S": VISITOR_LIMIT},
        },
    }
    count = 0
    while True:
        page = client.query(**request)
        count += int(page["Count"])
        if "LastEvaluatedKey" not in page:
            return count
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def digest_text(hour: int, over: int, held: int, most: int, limit: int, dashboard_url: str) -> tuple[str, str]:
    """The digest's subject and body."""
    span = f"{iso_hour(hour)[11:16]} and {iso_hour(hour + 1)[11:16]} UTC on {iso_hour(hour)[:10]}"
    subject = f"{over} more enquiries between {span}"
    lines = [
        f"{over} more enquiries arrived between {span} than the {most} an hour emailed one by one.",
        f"All of them are in the dashboard: {dashboard_url}" if dashboard_url else "All of them are in the dashboard.",
        "",
        f"In the same hour the per-visitor limit (more than {limit} posts an hour from one address) kept {held} "
        "posts as spam; the dashboard's spam view lists them, to rescue any a person sent.",
    ]
    return subject, "\n".join(lines)
