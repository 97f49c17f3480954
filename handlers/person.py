"""One person's enquiries, found by their email address, to hand them over or erase them, as a business must on
request (GDPR articles 15 and 17). The address matches in every status, its domain in any letter case and in
either form of an accented domain (as written, or the xn-- form the form stores).

No index is keyed by address, so a request scans the table a page at a time until its deadline and answers with a
cursor to go on from: any number of enquiries, in requests that each end in time (docs/cost.md prices a scan).
The search index holds each enquiry's words (the address's parts among them): erased with the enquiry. Nothing
else holds an address: the hourly counters hold visitors' network addresses and submission ids."""

from __future__ import annotations

import json
import time
from typing import Any

import table_schema as ts
import word_index
from api_gateway import BadRequest, parse_json
from dynamo_items import dynamo_errors
from inbox import cursor_key, encode_cursor
from stored_items import from_item, public
from view_limits import MAX_ADDRESS_LENGTH

SCAN_PAGE = 100  # items a Scan call reads: an erasing request deletes a page's matches before it stops
# An export answer stops growing past 2 MB; a page of 25 adds at most 25 of the largest enquiries (~95 KB each with
# kept fields), so an answer stays under 5 MB, within Lambda's 6 MB.
EXPORT_PAGE = 25
EXPORT_BYTES = 2 * 1024 * 1024


def address_key(email: str) -> str | None:
    """The address as compared: its domain in lower-case ASCII (an accented one in its xn-- form); None when it
    is no address."""
    local, at, domain = email.strip().rpartition("@")
    if not (at and local and domain):
        return None
    try:
        return f"{local}@{domain.encode('idna').decode().lower()}"
    except UnicodeError:  # an empty label, a label over 63 characters
        return None


def request_address(body: bytes) -> tuple[str, dict[str, dict[str, str]] | None]:
    """The compared form of the body's "email", and where to go on from (its "cursor"); BadRequest otherwise."""
    fields = parse_json(body or b"null", "request body")
    email = fields.get("email") if isinstance(fields, dict) else None
    key = address_key(email) if isinstance(email, str) and len(email) <= MAX_ADDRESS_LENGTH else None
    if key is None or set(fields) - {"email", "cursor"}:
        raise BadRequest(
            'send {"email": "name@example.com"}, and the "cursor" answered to go on', {"email": "is not valid"}
        )
    if "cursor" not in fields:
        return key, None
    return key, {ts.HASH_KEY: {"S": cursor_key(fields["cursor"], {ts.HASH_KEY})[ts.HASH_KEY]}}


def scan_pages(client: Any, table: str, start: dict[str, Any] | None, stop_at: float, limit: int) -> Any:
    """(matching-or-not items, key to go on from) of each Scan page from `start`, until the scan ends (key None)
    or `stop_at` (time.monotonic()) passes; always one page at least, so every request moves on."""
    request: dict[str, Any] = {"TableName": table, "Limit": limit, "ConsistentRead": True}
    while True:
        if start:
            request["ExclusiveStartKey"] = start
        with dynamo_errors():
            page = client.scan(**request)
        start = page.get("LastEvaluatedKey")
        yield [from_item(i) for i in page["Items"]], start
        if not start or time.monotonic() > stop_at:
            return


def is_theirs(item: dict[str, Any], key: str) -> bool:
    return isinstance(item.get("email"), str) and address_key(item["email"]) == key


def export(client: Any, table: str, body: bytes, stop_at: float) -> dict[str, Any]:
    """Their enquiries, oldest first within each answer, and a cursor while the table is not fully read."""
    key, start = request_address(body)
    found: list[dict[str, Any]] = []
    size, after = 0, start
    for items, after in scan_pages(client, table, start, stop_at, EXPORT_PAGE):  # noqa: B007  # read below
        theirs = [public(i) for i in items if is_theirs(i, key)]
        found += theirs
        size += sum(len(json.dumps(i, ensure_ascii=False).encode()) for i in theirs)
        if size > EXPORT_BYTES:
            break
    found.sort(key=lambda i: i.get(ts.CREATED_AT, ""))
    return {"items": found, "cursor": encode_cursor(after)}


def erase(client: Any, tables: tuple[str, str], body: bytes, stop_at: float) -> dict[str, Any]:
    """Delete their enquiries and their search index entries (tables: the enquiries', the index's); `done` once
    the whole table is read, else go on with `cursor`. The entries go here, not only through the stream, so a
    stream record lost or dead-lettered cannot leave their words behind."""
    table, index_table = tables
    key, start = request_address(body)
    deleted = 0
    after = start
    for items, after in scan_pages(client, table, start, stop_at, SCAN_PAGE):  # noqa: B007  # read below
        for item in items:
            if is_theirs(item, key):
                with dynamo_errors():
                    client.delete_item(TableName=table, Key={ts.HASH_KEY: {"S": item[ts.HASH_KEY]}})
                    word_index.remove(client, index_table, item[ts.HASH_KEY])
                deleted += 1
    return {"deleted": deleted, "done": after is None, "cursor": encode_cursor(after)}
