"""Storing submissions: one conditional write per submission, so retries never duplicate one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions

import table_schema as ts
from api import Conflict, NotFound, Unavailable, is_unavailable
from form_schema import FIELDS_BY_NAME

CONDITION_FAILED = "ConditionalCheckFailedException"


def now_iso() -> str:
    """UTC time with milliseconds and a Z, which sorts as text in time order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_item(item: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Plain values of a DynamoDB item (this table stores only strings and numbers)."""
    return {name: value.get("S", value.get("N")) for name, value in item.items()}


def new_item(submission_id: str, fields: dict[str, str], spam: bool, retention_days: int) -> dict[str, str]:
    item = {**fields, ts.HASH_KEY: submission_id, ts.CREATED_AT: now_iso(), ts.STATUS: ts.SPAM if spam else ts.NEW}
    if not spam:
        item[ts.INBOX] = ts.INBOX_VALUE
    if retention_days > 0:
        item[ts.EXPIRES_AT] = str(int(time.time()) + retention_days * 86400)
    return item


UNAVAILABLE = "the message store is busy or unreachable; nothing was saved, please try again"


@contextmanager
def dynamo_errors(missing_id: str | None = None) -> Iterator[None]:
    """Map DynamoDB failures to API errors: a failed `attribute_exists` condition is NotFound,
    throttling and outages are Unavailable (the request changed nothing and may be retried)."""
    try:
        yield
    except botocore.exceptions.ClientError as error:
        if missing_id is not None and error.response.get("Error", {}).get("Code") == CONDITION_FAILED:
            raise NotFound(f"no submission with id {missing_id}") from None
        if is_unavailable(error):
            raise Unavailable(UNAVAILABLE) from error
        raise
    except botocore.exceptions.BotoCoreError as error:
        if is_unavailable(error):
            raise Unavailable(UNAVAILABLE) from error
        raise


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
            if error.response.get("Error", {}).get("Code") != CONDITION_FAILED:
                raise
            stored = from_item(error.response.get("Item") or {})
    if not _same_submission(stored, item):
        raise Conflict(
            f"{ts.HASH_KEY} {item[ts.HASH_KEY]} was already used for a different submission; send a new submission_id"
        )
    return False


def _same_submission(stored: dict[str, Any], item: dict[str, str]) -> bool:
    """Whether a stored item holds what the visitor sent (server-set attributes may differ)."""
    return all(stored.get(name) == item.get(name) for name in FIELDS_BY_NAME)
