"""A search through the word index (word_index.py): the enquiries holding every word of the query, newest first,
in the inbox or one status. One word's entries are read from its partitions newest first; a rare word's few are
all of its reads, whatever the inbox's size.

Of several words, the one with the fewest entries in a first read of each leads; every candidate it (or the list
of enquiries too long to index whole) gives is fetched and checked against the query and the view, so an entry
left behind by a change the index has not caught up with yet never shows. Spam is not indexed: the spam view's
search is the scan's (search.py)."""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

import index_schema as xs
import table_schema as ts
from dynamo_items import dynamo_errors
from enquiry_words import is_indexed, item_text, text_words
from inbox import encode_cursor, timed_cursor_key
from stored_items import from_item, public
from word_index import LONG, entry, entry_parts, until_processed

PROBE = 50  # entries of each of a word's partitions read first, to find the query's rarest word
READ_PAGE = 250  # entries per Query after that
MAX_READ = 5000  # candidates one request checks at most; the cursor goes on from there
MAX_FETCH = 100  # BatchGetItem's most keys per call


def index_words(words: list[str]) -> list[str]:
    """The words of a query (query_words) the index can look up; [] when none is, and the scan must search."""
    return [w for w in dict.fromkeys(t for word in words for t in text_words(word)) if is_indexed(w)]


class Partition:
    """One partition of a word's entries, newest first from `before`, a Query page at a time."""

    def __init__(self, client: Any, table: str, key: str, before: str | None) -> None:
        self._client, self._entries, self.done = client, deque[str](), False
        condition = "#w = :w AND #e < :before" if before else "#w = :w"
        self._request: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#w": xs.WORD, "#e": xs.ENTRY},
            "ExpressionAttributeValues": {":w": {"S": key}} | ({":before": {"S": before}} if before else {}),
            "ProjectionExpression": "#e",
            "ScanIndexForward": False,
        }

    def read(self, limit: int) -> int:
        with dynamo_errors():
            page = self._client.query(**self._request, Limit=limit)
        self._entries.extend(e[xs.ENTRY]["S"] for e in page["Items"])
        if "LastEvaluatedKey" in page:
            self._request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        else:
            self.done = True
        return len(page["Items"])

    def __iter__(self) -> Iterator[str]:
        while True:
            while self._entries:
                yield self._entries.popleft()
            if self.done:
                return
            self.read(READ_PAGE)


class WordEntries:
    """A word's entries from all its partitions, merged newest first; `seen` counts a first read of each."""

    def __init__(self, client: Any, table: str, word: str, before: str | None) -> None:
        self._partitions = [Partition(client, table, f"{word}#{n}", before) for n in range(xs.SHARDS)]
        self.seen = sum(p.read(PROBE) for p in self._partitions)

    def newest_first(self) -> Iterator[str]:
        return heapq.merge(*self._partitions, reverse=True)


def entry_after(cursor: str) -> str:
    """The entry a cursor of this search stopped at; BadRequest for anything this API did not issue."""
    plain = timed_cursor_key(cursor, {ts.HASH_KEY, ts.CREATED_AT})
    return entry(plain[ts.CREATED_AT], plain[ts.HASH_KEY])


def candidates(client: Any, index_table: str, words: list[str], before: str | None) -> Iterator[str]:
    """Entries of the enquiries that may hold every word, newest first, each once: the rarest word's and the
    enquiries too long to index whole (enquiry_words.MAX_WORDS)."""
    rarest = min((WordEntries(client, index_table, w, before) for w in words), key=lambda e: e.seen)
    long = WordEntries(client, index_table, LONG, before)
    last = None
    for sort_key in heapq.merge(rarest.newest_first(), long.newest_first(), reverse=True):
        if sort_key != last:
            yield sort_key
        last = sort_key


def fetch(client: Any, table: str, entries: list[str]) -> dict[str, dict[str, Any]]:
    """The enquiries of `entries` by id (BatchGetItem); those deleted since are missing."""
    keys = [{ts.HASH_KEY: {"S": entry_parts(e)[1]}} for e in dict.fromkeys(entries)]
    found: dict[str, dict[str, Any]] = {}
    with dynamo_errors():
        for answer in until_processed(client.batch_get_item, {table: {"Keys": keys}}, "UnprocessedKeys"):
            found.update((i[ts.HASH_KEY], i) for i in map(from_item, answer["Responses"].get(table, [])))
    return found


def holds(item: dict[str, Any], status: str | None, words: list[str], raw_words: list[str]) -> bool:
    """Whether an enquiry is in the view and holds every indexed word whole and every query word as written."""
    in_view = item.get(ts.STATUS) != ts.SPAM if status is None else item.get(ts.STATUS) == status
    if not in_view:
        return False
    text = item_text(item)
    return set(words) <= set(text_words(text)) and all(word in text for word in raw_words)


def indexed_page(
    client: Any,
    view: tuple[str, str, str | None, int],
    cursor: str | None,
    query: tuple[list[str], list[str]],
    stop_at: float,
) -> dict[str, Any]:
    """Up to `limit` matches in the view (table, index table, status, limit) of the query (its words, query_words,
    and those the index holds, index_words), and a cursor after the last candidate checked while there may be more.
    Stops at `stop_at` or MAX_READ candidates."""
    table, index_table, status, limit = view
    raw_words, words = query
    pending = candidates(client, index_table, words, entry_after(cursor) if cursor else None)
    found: list[dict[str, Any]] = []
    read = 0
    while batch := [e for _, e in zip(range(min(MAX_FETCH, limit - len(found))), pending, strict=False)]:
        items = fetch(client, table, batch)
        for sort_key in batch:
            read += 1
            created, submission_id = entry_parts(sort_key)
            item = items.get(submission_id)
            if item is not None and holds(item, status, words, raw_words):
                found.append(item)
            if len(found) == limit or read == MAX_READ or time.monotonic() > stop_at:
                last = {ts.HASH_KEY: {"S": submission_id}, ts.CREATED_AT: {"S": created}}
                return {"items": [public(i) for i in found], "cursor": encode_cursor(last), "searched": read}
    return {"items": [public(i) for i in found], "cursor": None, "searched": read}
