"""Counting ids once per clock hour, up to a cap: a visitor's posts, the owner's emails. Each hour's item keeps
the ids counted (a retry is not counted twice) and expires by TTL after its hour."""

from __future__ import annotations

from typing import Any

import botocore.exceptions

from table_schema import COUNTED_IDS, COUNTER_KEY, EXPIRES_AT, HOUR_SECONDS, POSTS


def count_once(client: Any, table: str, key: str, item_id: str, most: int, keep_seconds: int, now: float) -> int:
    """`item_id`'s number this hour under `key`, from one UpdateItem (concurrent callers each get their own); for a
    retry, the count found; 0 once `most` are counted (nothing added). Kept `keep_seconds` past the hour."""
    hour = int(now) // HOUR_SECONDS
    try:
        result = client.update_item(
            TableName=table,
            Key={COUNTER_KEY: {"S": f"{key} {hour}"}},
            UpdateExpression="ADD #n :one, #ids :id SET #e = if_not_exists(#e, :e)",
            ConditionExpression="attribute_not_exists(#n) OR #n < :most AND NOT contains(#ids, :sid)",
            ExpressionAttributeNames={"#n": POSTS, "#ids": COUNTED_IDS, "#e": EXPIRES_AT},
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":id": {"SS": [item_id]},
                ":sid": {"S": item_id},
                ":most": {"N": str(most)},
                ":e": {"N": str((hour + 1) * HOUR_SECONDS + keep_seconds)},
            },
            ReturnValues="UPDATED_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        old = error.response.get("Item") or {}
        return int(old[POSTS]["N"]) if item_id in old.get(COUNTED_IDS, {}).get("SS", []) else 0
    return int(result["Attributes"][POSTS]["N"])
