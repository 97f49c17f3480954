"""GET /api/submissions/search?q=: the owner's enquiries that match q, every word of it in any field the
visitor wrote, the subject or kept fields, case and accents ignored, newest first, in the inbox, one status or spam.

A query with a word the search index holds (word_index.py: whole words of two letters or more, but the commonest)
is answered from the index (indexed_search.py): the enquiries holding each such word whole, and every word as
typed. Otherwise, and in the spam view (spam is not indexed), the search reads the view newest first (the same
index Query as the list) and keeps the matches, a word found inside another too. Either way one request stops
before the function's deadline (the Lambda context's remaining time) or at MAX_READ items, whichever is first, and
its cursor continues from where it stopped (docs/cost.md prices a search)."""

from __future__ import annotations

import math
import time
from http import HTTPStatus
from typing import Any

import api_gateway as api
import dynamodb_client
import table_schema as ts
import word_index
from dynamo_items import dynamo_errors
from enquiry_words import item_text
from inbox import encode_cursor, open_view
from indexed_search import index_words, indexed_page
from owner_requests import page_limit, query, status_filter, timed_owner_route
from search_words import query_words
from stored_items import from_item, public

MAX_READ = 5000  # items one request reads at most; the cursor goes on from there
# Items per Query: small pages let a search stop soon after its page of matches is full, and keep each call
# well inside the DynamoDB client's 2 s read timeout (DynamoDB's own 1 MB page would hold ~1,000).
READ_PAGE = 250


def matches(item: dict[str, Any], words: list[str]) -> bool:
    haystack = item_text(item)
    return all(word in haystack for word in words)


def search_page(
    client: Any, table: str, status: str | None, limit: int, cursor: str | None, q: str, stop_at: float = math.inf
) -> dict[str, Any]:
    """Up to `limit` matches, newest first, and a cursor after the last one read (None when the view is done).
    Reading stops at `stop_at` (time.monotonic()), always after at least one item, so every request moves on."""
    words = query_words(q)
    indexed = index_words(words) if status != ts.SPAM else []
    if indexed:
        return indexed_page(client, (table, word_index.TABLE, status, limit), cursor, (words, indexed), stop_at)
    request, (key, order) = open_view(client, table, status, cursor)
    found: list[dict[str, Any]] = []
    read = 0
    while True:
        with dynamo_errors():
            page = client.query(**request, Limit=min(READ_PAGE, MAX_READ - read))
        for raw in page["Items"]:
            read += 1
            item = from_item(raw)
            if matches(item, words):
                found.append(item)
            if len(found) == limit or read == MAX_READ or time.monotonic() > stop_at:
                # Stopped inside a page: the next request starts after this item.
                last = {name: {"S": item[name]} for name in (ts.HASH_KEY, order, key)}
                return {"items": [public(i) for i in found], "cursor": encode_cursor(last), "searched": read}
        if "LastEvaluatedKey" not in page:
            return {"items": [public(i) for i in found], "cursor": None, "searched": read}
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _search(event: api.Event, stop_at: float) -> api.Response:
    params = query(event)
    if not params.get("q", "").strip():
        raise api.BadRequest("q is missing: send the words to look for", {"q": "is required"})
    view = (dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, status_filter(params), page_limit(params))
    page = search_page(*view, params.get("cursor"), params["q"], stop_at)
    return api.json_response(HTTPStatus.OK, page, api.request_id(event))


handler = timed_owner_route(_search)
