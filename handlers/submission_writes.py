"""Writing a submission: one conditional write per submission id, so a retry never stores it twice."""

from __future__ import annotations

import time
from typing import Any

import botocore.exceptions

import table_schema as ts
from api_gateway import Conflict
from dynamo_items import dynamo_errors, now_iso
from form_schema import FIELDS_BY_NAME


def new_item(
    submission_id: str, fields: dict[str, str], spam_reason: str, retention_days: int, spam_days: int = 0
) -> dict[str, str]:
    """The item for a new post: `spam_reason` "" for the inbox, otherwise why it is spam (ts.SPAM_REASONS).
    It expires after `retention_days`, a spam one after `spam_days` if sooner (0: never)."""
    item = {**fields, ts.HASH_KEY: submission_id, ts.CREATED_AT: now_iso()}
    if spam_reason:
        item.update({ts.STATUS: ts.SPAM, ts.SPAM_REASON: spam_reason, ts.SPAM_AT: item[ts.CREATED_AT]})
    else:
        item.update({ts.STATUS: ts.NEW, ts.INBOX: ts.INBOX_VALUE})
    days = [d for d in (retention_days, spam_days if spam_reason else 0) if d > 0]
    if days:
        item[ts.EXPIRES_AT] = str(int(time.time()) + min(days) * 86400)
    return item


def put_new(client: Any, table: str, item: dict[str, str]) -> bool:
    """Write `item` unless its id exists. True if written, False if this exact submission was already stored.

    Raises Conflict when the id is taken by a different submission, Unavailable when
    DynamoDB throttles or cannot be reached (nothing was written, so a retry is safe).
    """
    dynamo_item = {k: {"N" if k == ts.EXPIRES_AT else "S": v} for k, v in item.items()}
    with dynamo_errors():
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
            if error.response.get("Error", {}).get("Code") != ts.CONDITION_FAILED:
                raise
            stored = error.response.get("Item") or {}
    if not _same_submission(stored, item):
        raise Conflict(
            f"{ts.HASH_KEY} {item[ts.HASH_KEY]} was already used for a different submission; send a new submission_id"
        )
    return False


def _same_submission(stored: dict[str, Any], item: dict[str, str]) -> bool:
    """Whether a stored DynamoDB item holds what the visitor sent (server-set attributes may differ)."""
    names = (*FIELDS_BY_NAME, ts.SUBJECT, ts.EXTRA_FIELDS)
    return all(stored.get(name, {}).get("S") == item.get(name) for name in names)
