"""The owner's inbox: paging newest first through an index, reading, re-filing and deleting submissions."""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import datetime
from typing import Any

import table_schema as ts
from api_gateway import BadRequest, NotFound, parse_json
from dynamo_items import dynamo_errors, now_iso
from stored_items import from_item, public


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    plain = {name: value["S"] for name, value in key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode().rstrip("=")


_BAD_CURSOR = "cursor is not one this API issued; start again without it"


def cursor_key(cursor: object, names: set[str]) -> dict[str, str]:
    """The key inside a cursor this API issued (encode_cursor): exactly `names`, text, its id an enquiry's; or
    BadRequest. Only the shape this API issues: DynamoDB would answer an empty or over-long key with a 500."""
    try:
        text = cursor if isinstance(cursor, str) else ""
        plain = parse_json(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "cursor")
    except (ValueError, BadRequest):
        plain = None
    if not isinstance(plain, dict) or set(plain) != names or not all(isinstance(v, str) for v in plain.values()):
        raise BadRequest(_BAD_CURSOR, {"cursor": "is not valid"})
    if ts.canonical_id(plain[ts.HASH_KEY]) != plain[ts.HASH_KEY]:
        raise BadRequest(_BAD_CURSOR, {"cursor": "is not valid"})
    return plain


def timed_cursor_key(cursor: object, names: set[str], order: str = ts.CREATED_AT) -> dict[str, str]:
    """cursor_key, with `order` (one of `names`) a time as the table writes it (iso_milliseconds); or BadRequest."""
    plain = cursor_key(cursor, names)
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", plain[order]):
        raise BadRequest(_BAD_CURSOR, {"cursor": "is not valid"})
    return plain


def decode_cursor(
    cursor: str, index_key: str, index_value: str, order: str = ts.CREATED_AT
) -> dict[str, dict[str, str]]:
    """The ExclusiveStartKey inside a cursor this API issued for the same view (its index's key and `order`, the
    time it sorts by), or BadRequest."""
    plain = timed_cursor_key(cursor, {ts.HASH_KEY, order, index_key}, order)
    if plain[index_key] != index_value:
        raise BadRequest(_BAD_CURSOR, {"cursor": "is not valid"})
    return {name: {"S": value} for name, value in plain.items()}


def view_request(
    table: str, status: str | None, cursor: str | None, emptied: str = ""
) -> tuple[dict[str, Any], tuple[str, str]]:
    """The Query of one view, newest first: the inbox (everything but spam) or one status, through an index; spam
    by when it became spam, after `emptied` (empty_spam's time). Returns the request and the names of the index's
    key and time (a cursor holds them)."""
    order = ts.CREATED_AT
    if status is None:
        index, key, value = ts.INBOX_INDEX, ts.INBOX, ts.INBOX_VALUE
    elif status == ts.SPAM:
        index, key, value, order = ts.SPAM_INDEX, ts.STATUS, status, ts.SPAM_AT
    else:
        index, key, value = ts.STATUS_INDEX, ts.STATUS, status
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": index,
        "KeyConditionExpression": "#k = :v",
        "ExpressionAttributeNames": {"#k": key},
        "ExpressionAttributeValues": {":v": {"S": value}},
        "ScanIndexForward": False,
    }
    if order == ts.SPAM_AT:  # "0" sorts before every time, and a key condition's value may not be empty
        request["KeyConditionExpression"] += " AND #t > :emptied"
        request["ExpressionAttributeNames"]["#t"] = order
        request["ExpressionAttributeValues"][":emptied"] = {"S": emptied or "0"}
    if cursor:
        request["ExclusiveStartKey"] = decode_cursor(cursor, key, value, order)
    return request, (key, order)


def open_view(
    client: Any, table: str, status: str | None, cursor: str | None
) -> tuple[dict[str, Any], tuple[str, str]]:
    """view_request for a view, reading when spam was last emptied if it is the spam view."""
    return view_request(table, status, cursor, emptied_at(client, table) if status == ts.SPAM else "")


def emptied_at(client: Any, table: str) -> str:
    """When the owner last emptied spam ("" for never), held by one item of its own."""
    with dynamo_errors():
        found = client.get_item(TableName=table, Key={ts.HASH_KEY: {"S": ts.EMPTIED}}, ConsistentRead=True)
    return str(found.get("Item", {}).get(ts.EMPTIED_AT, {}).get("S", ""))


def empty_spam(client: Any, table: str) -> str:
    """Empty the spam view in one write, whatever it holds: everything that became spam until now leaves it, and
    is deleted by its spam expiry (spamRetentionDays at most). Returns the time."""
    now = now_iso()
    with dynamo_errors():
        client.update_item(
            TableName=table,
            Key={ts.HASH_KEY: {"S": ts.EMPTIED}},
            UpdateExpression="SET #at = :now",
            ExpressionAttributeNames={"#at": ts.EMPTIED_AT},
            ExpressionAttributeValues={":now": {"S": now}},
        )
    return now


def held_back(client: Any, table: str, stop_at: float) -> dict[str, Any]:
    """How many enquiries the spam view holds (since it was last emptied), and how many of them each check held back
    (their reasons; one the owner marked has none), read from the narrow SPAM_COUNT_INDEX a page at a time until done
    or `stop_at` (time.monotonic()): `complete` is false when it stopped first, rather than a smaller count."""
    request, _ = open_view(client, table, ts.SPAM, None)
    request["IndexName"] = ts.SPAM_COUNT_INDEX
    request["ProjectionExpression"] = "#r"
    request["ExpressionAttributeNames"]["#r"] = ts.SPAM_REASON
    held: dict[str, int] = {}
    total = 0
    while True:
        with dynamo_errors():
            page = client.query(**request)
        total += len(page["Items"])
        for reason in (i[ts.SPAM_REASON]["S"] for i in page["Items"] if ts.SPAM_REASON in i):
            held[reason] = held.get(reason, 0) + 1
        if "LastEvaluatedKey" not in page or time.monotonic() > stop_at:
            return {"held": held, "total": total, "complete": "LastEvaluatedKey" not in page}
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def list_page(client: Any, table: str, status: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page, newest first, of the inbox (everything but spam) or of one status. Queries an index; never scans."""
    request, _ = open_view(client, table, status, cursor)
    with dynamo_errors():
        page = client.query(**request, Limit=limit)
    items = [public(from_item(i)) for i in page["Items"]]
    return {"items": items, "cursor": encode_cursor(page.get("LastEvaluatedKey"))}


def get(client: Any, table: str, submission_id: str) -> dict[str, Any]:
    with dynamo_errors():
        found = client.get_item(TableName=table, Key={ts.HASH_KEY: {"S": submission_id}}, ConsistentRead=True)
    if "Item" not in found:
        raise NotFound(f"no submission with id {submission_id}")
    return public(from_item(found["Item"]))


def set_status(
    client: Any, table: str, submission_id: str, status: str, retention_days: int = 0, spam_days: int = 0
) -> dict[str, Any]:
    """Set an item's status; spam leaves the inbox index for the spam view's (from now), anything else rejoins it
    (and forgets why and when it was spam).
    Its expiry follows: `retention_days` after it arrived, and as spam no later than `spam_days` from now."""
    values = {":s": {"S": status}, ":t": {"S": now_iso()}}
    names = {"#id": ts.HASH_KEY, "#status": ts.STATUS, "#inbox": ts.INBOX, "#spam_at": ts.SPAM_AT}
    update = "SET #status = :s, updated_at = :t"
    if status == ts.SPAM:
        update += ", #spam_at = :t REMOVE #inbox"
    else:
        update += ", #inbox = :inbox REMOVE #reason, #spam_at"
        values[":inbox"] = {"S": ts.INBOX_VALUE}
        names["#reason"] = ts.SPAM_REASON
    with dynamo_errors(missing_id=submission_id):
        result = client.update_item(
            TableName=table,
            Key={ts.HASH_KEY: {"S": submission_id}},
            UpdateExpression=update,
            ConditionExpression="attribute_exists(#id)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    item = public(from_item(result["Attributes"]))
    expires = expiry(item[ts.CREATED_AT], retention_days, spam_days if status == ts.SPAM else 0)
    if str(expires or "") != (item.get(ts.EXPIRES_AT) or ""):
        set_expiry(client, table, submission_id, expires)
        item.pop(ts.EXPIRES_AT, None)
        if expires:
            item[ts.EXPIRES_AT] = str(expires)
    return item


def expiry(created_at: str, retention_days: int, spam_days: int) -> int | None:
    """Epoch seconds an item should expire at by TTL: `retention_days` after it arrived, or `spam_days` from now
    (it was just marked spam) if sooner; None for never (both 0)."""
    ends = []
    if retention_days > 0:
        ends.append(datetime.fromisoformat(created_at).timestamp() + retention_days * 86400)
    if spam_days > 0:
        ends.append(time.time() + spam_days * 86400)
    return int(min(ends)) if ends else None


def set_expiry(client: Any, table: str, submission_id: str, expires: int | None) -> None:
    with dynamo_errors(missing_id=submission_id):
        client.update_item(
            TableName=table,
            Key={ts.HASH_KEY: {"S": submission_id}},
            UpdateExpression="SET #e = :e" if expires else "REMOVE #e",
            ConditionExpression="attribute_exists(#id)",
            ExpressionAttributeNames={"#id": ts.HASH_KEY, "#e": ts.EXPIRES_AT},
            **({"ExpressionAttributeValues": {":e": {"N": str(expires)}}} if expires else {}),
        )


def delete(client: Any, table: str, submission_id: str) -> None:
    with dynamo_errors(missing_id=submission_id):
        client.delete_item(
            TableName=table,
            Key={ts.HASH_KEY: {"S": submission_id}},
            ConditionExpression="attribute_exists(#id)",
            ExpressionAttributeNames={"#id": ts.HASH_KEY},
        )
