"""Storing submissions: one conditional write per submission, so retries never duplicate one."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions

import table_schema as ts
from api import BadRequest, Conflict, NotFound, Unavailable, is_unavailable
from form_schema import FIELDS_BY_NAME

CONDITION_FAILED = "ConditionalCheckFailedException"


def now_iso() -> str:
    """UTC time with milliseconds and a Z, which sorts as text in time order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    plain = {name: value["S"] for name, value in key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, index_key: str, index_value: str) -> dict[str, dict[str, str]]:
    """The ExclusiveStartKey inside a cursor this API issued for the same view, or BadRequest."""
    bad = BadRequest("cursor is not one this list issued; start again without it", {"cursor": "is not valid"})
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise bad from None
    expected = {ts.HASH_KEY, ts.CREATED_AT, index_key}
    if not isinstance(plain, dict) or set(plain) != expected or plain.get(index_key) != index_value:
        raise bad
    if not all(isinstance(v, str) for v in plain.values()):
        raise bad
    return {name: {"S": value} for name, value in plain.items()}


def list_page(client: Any, table: str, status: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page, newest first, of the inbox (everything but spam) or of one status. Queries an index; never scans."""
    if status is None:
        index, key, value = ts.INBOX_INDEX, ts.INBOX, ts.INBOX_VALUE
    else:
        index, key, value = ts.STATUS_INDEX, ts.STATUS, status
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": index,
        "KeyConditionExpression": "#k = :v",
        "ExpressionAttributeNames": {"#k": key},
        "ExpressionAttributeValues": {":v": {"S": value}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if cursor:
        request["ExclusiveStartKey"] = decode_cursor(cursor, key, value)
    with dynamo_errors():
        page = client.query(**request)
    items = [public(from_item(i)) for i in page["Items"]]
    return {"items": items, "cursor": encode_cursor(page.get("LastEvaluatedKey"))}


def public(item: dict[str, Any]) -> dict[str, Any]:
    """What the dashboard sees of an item: without the index bookkeeping."""
    return {k: v for k, v in item.items() if k != ts.INBOX}


def get(client: Any, table: str, submission_id: str) -> dict[str, Any]:
    with dynamo_errors():
        found = client.get_item(TableName=table, Key={ts.HASH_KEY: {"S": submission_id}}, ConsistentRead=True)
    if "Item" not in found:
        raise NotFound(f"no submission with id {submission_id}")
    return public(from_item(found["Item"]))


def set_status(client: Any, table: str, submission_id: str, status: str) -> dict[str, Any]:
    """Set an item's status; spam leaves the inbox index, anything else rejoins it."""
    inbox = "REMOVE #inbox" if status == "spam" else ""
    values = {":s": {"S": status}, ":t": {"S": now_iso()}}
    update = "SET #status = :s, updated_at = :t"
    if status != "spam":
        update += ", #inbox = :inbox"
        values[":inbox"] = {"S": ts.INBOX_VALUE}
    with dynamo_errors(missing_id=submission_id):
        result = client.update_item(
            TableName=table,
            Key={ts.HASH_KEY: {"S": submission_id}},
            UpdateExpression=f"{update} {inbox}".strip(),
            ConditionExpression="attribute_exists(#id)",
            ExpressionAttributeNames={"#id": ts.HASH_KEY, "#status": ts.STATUS, "#inbox": ts.INBOX},
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    return public(from_item(result["Attributes"]))


def delete(client: Any, table: str, submission_id: str) -> None:
    with dynamo_errors(missing_id=submission_id):
        client.delete_item(
            TableName=table,
            Key={ts.HASH_KEY: {"S": submission_id}},
            ConditionExpression="attribute_exists(#id)",
            ExpressionAttributeNames={"#id": ts.HASH_KEY},
        )
