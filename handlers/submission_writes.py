"""Writing a submission: one conditional write per submission id, so a retry never stores it twice."""

from __future__ import annotations

import time
from typing import Any

import botocore.exceptions

import table_schema as ts
from api_gateway import Conflict
from dynamo_items import now_iso
from form_schema import FIELDS_BY_NAME

Item = dict[str, dict[str, str]]


def new_item(
    submission_id: str, fields: dict[str, str], spam_reason: str, retention_days: int, spam_days: int = 0
) -> Item:
    """A new post's item: `spam_reason` "" for the inbox, else why it is spam (ts.SPAM_REASONS). It expires after
    `retention_days`, a spam one after `spam_days` if sooner (0: never)."""
    item = {name: {"S": value} for name, value in fields.items()}
    item[ts.HASH_KEY] = {"S": submission_id}
    item[ts.CREATED_AT] = created = {"S": now_iso()}
    if spam_reason:
        item[ts.STATUS], item[ts.SPAM_REASON], item[ts.SPAM_AT] = {"S": ts.SPAM}, {"S": spam_reason}, created
    else:
        item[ts.STATUS], item[ts.INBOX] = {"S": ts.NEW}, {"S": ts.INBOX_VALUE}
    days = retention_days
    if spam_reason and spam_days > 0 and not 0 < days <= spam_days:
        days = spam_days  # sooner than the retention, or the only expiry
    if days > 0:
        item[ts.EXPIRES_AT] = {"N": str(int(time.time()) + days * 86400)}
    return item


def put_new(client: Any, table: str, item: Item) -> bool:
    """Write `item` unless its id exists: True if written, False if this very submission was; Conflict if another."""
    try:
        client.put_item(
            TableName=table,
            Item=item,
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
            f"{ts.HASH_KEY} {item[ts.HASH_KEY]['S']} was already used for a different submission; "
            "send a new submission_id"
        )
    return False


def _same_submission(stored: Item, item: Item) -> bool:
    """Whether a stored item holds what the visitor sent (server-set attributes may differ)."""
    return all(stored.get(name) == item.get(name) for name in (*FIELDS_BY_NAME, ts.SUBJECT, ts.EXTRA_FIELDS))
