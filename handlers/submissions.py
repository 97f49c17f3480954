"""Storing submissions: one conditional write per submission, so retries never duplicate one."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions

import table_schema as ts
from api import Conflict, Unavailable, is_unavailable
from form_schema import FIELDS_BY_NAME


def now_iso() -> str:
    """UTC time with milliseconds and a Z, which sorts as text in time order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_item(values: dict[str, str]) -> dict[str, dict[str, str]]:
    return {name: {"S": value} for name, value in values.items()}


def from_item(item: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Plain values of a DynamoDB item (this table stores only strings and numbers)."""
    return {name: value.get("S", value.get("N")) for name, value in item.items()}


def new_item(submission_id: str, fields: dict[str, str], spam: bool, retention_days: int) -> dict[str, str]:
    item = {**fields, ts.HASH_KEY: submission_id, ts.CREATED_AT: now_iso(), ts.STATUS: "spam" if spam else "new"}
    if not spam:
        item[ts.INBOX] = ts.INBOX_VALUE
    if retention_days > 0:
        item[ts.EXPIRES_AT] = str(int(time.time()) + retention_days * 86400)
    return item


def put_new(client: Any, table: str, item: dict[str, str]) -> bool:
    """Write `item` unless its id exists. True if written, False if this exact submission was already stored.

    Raises Conflict when the id is taken by a different submission, Unavailable when
    DynamoDB throttles or cannot be reached (nothing was written, so a retry is safe).
    """
    dynamo_item = to_item({k: v for k, v in item.items() if k != ts.EXPIRES_AT})
    if ts.EXPIRES_AT in item:
        dynamo_item[ts.EXPIRES_AT] = {"N": item[ts.EXPIRES_AT]}
    try:
        client.put_item(
            TableName=table,
            Item=dynamo_item,
            ConditionExpression="attribute_not_exists(#id)",
            ExpressionAttributeNames={"#id": ts.HASH_KEY},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        return True
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            stored = from_item(error.response.get("Item") or {})
            if not _same_submission(stored, item):
                raise Conflict(
                    f"{ts.HASH_KEY} {item[ts.HASH_KEY]} was already used for a different submission; "
                    "send a new submission_id"
                ) from None
            return False
        if is_unavailable(error):
            raise Unavailable("the message store is busy; nothing was saved, please try again") from error
        raise
    except botocore.exceptions.BotoCoreError as error:
        if is_unavailable(error):
            raise Unavailable("the message store could not be reached; nothing was saved, please try again") from error
        raise


def _same_submission(stored: dict[str, Any], item: dict[str, str]) -> bool:
    """Whether a stored item holds what the visitor sent (server-set attributes may differ)."""
    return all(stored.get(name) == item.get(name) for name in FIELDS_BY_NAME)
