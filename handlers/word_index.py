"""The search index: an enquiry's words, one small item per word in a table of their own (index_schema.py),
written from the table's stream by indexer.py and read by indexed_search.py, so a word held by one enquiry among
100,000 is one Query away.

Each enquiry also has a list of the entries written for it: removing them (a deletion, spam, an erasure) reads it
rather than the enquiry, which is gone or changed by then. Every entry carries the enquiry's expiry (TTL), so an
enquiry that expires takes its words with it even if no stream record says so. Writes are puts and deletes of
fixed keys: a record delivered twice writes the same items again."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import botocore.exceptions

import index_schema as xs
import table_schema as ts

TABLE = os.environ.get(xs.INDEX_TABLE, "")
LONG = "#long"  # the pseudo-word whose entries are the enquiries with more words than enquiry_words.MAX_WORDS
WORDS = "words"  # on an enquiry's list: the words indexed, space-separated
LISTED_ENTRY = "entry_of"  # on an enquiry's list: its entries' sort key
BATCH = 25  # BatchWriteItem's most requests per call
ATTEMPTS = 5  # tries of a batch's unprocessed part before giving up (the stream retries the record)


def entry(created_at: str, submission_id: str) -> str:
    """An entry's sort key: newest first by time, the id to fetch the enquiry by."""
    return f"{created_at}#{submission_id}"


def entry_parts(entry_key: str) -> tuple[str, str]:
    """(created_at, id) of an entry's sort key."""
    created_at, _, submission_id = entry_key.rpartition("#")
    return created_at, submission_id


def partition(word: str, submission_id: str) -> str:
    return f"{word}#{int(submission_id[-1], 16) % xs.SHARDS}"


def _list_key(submission_id: str) -> dict[str, dict[str, str]]:
    return {xs.WORD: {"S": f"#{submission_id}"}, xs.ENTRY: {"S": "#"}}


def _entry_keys(words: Iterable[str], submission_id: str, sort_key: str) -> list[dict[str, dict[str, str]]]:
    return [{xs.WORD: {"S": partition(w, submission_id)}, xs.ENTRY: {"S": sort_key}} for w in words]


def entries_of(client: Any, table: str, submission_id: str) -> dict[str, Any] | None:
    """An enquiry's list of entries as written (words, entry, expiry), or None when it has none."""
    found: dict[str, Any] = client.get_item(TableName=table, Key=_list_key(submission_id), ConsistentRead=True)
    return found.get("Item")


def write(client: Any, table: str, item: dict[str, Any], words: list[str], long: bool) -> int:
    """Index a plain enquiry item under `words` (enquiry_words.indexed_words), and LONG if `long`: its list first
    (so a failure part-way leaves nothing unlisted), then one entry per word. Returns the items written."""
    submission_id, sort_key = item[ts.HASH_KEY], entry(item[ts.CREATED_AT], item[ts.HASH_KEY])
    expiry = {ts.EXPIRES_AT: {"N": str(item[ts.EXPIRES_AT])}} if item.get(ts.EXPIRES_AT) else {}
    listed = [*words, LONG] if long else words
    client.put_item(
        TableName=table,
        Item={**_list_key(submission_id), WORDS: {"S": " ".join(listed)}, LISTED_ENTRY: {"S": sort_key}, **expiry},
    )
    puts = [{"PutRequest": {"Item": key | expiry}} for key in _entry_keys(listed, submission_id, sort_key)]
    write_batches(client, table, puts)
    return len(puts) + 1


def remove(client: Any, table: str, submission_id: str) -> int:
    """Delete an enquiry's entries and then its list; nothing when it has none. Returns the items deleted."""
    listed = entries_of(client, table, submission_id)
    if listed is None:
        return 0
    keys = _entry_keys(listed[WORDS]["S"].split(), submission_id, listed[LISTED_ENTRY]["S"])
    write_batches(client, table, [{"DeleteRequest": {"Key": key}} for key in keys])
    client.delete_item(TableName=table, Key=_list_key(submission_id))
    return len(keys) + 1


def write_batches(client: Any, table: str, requests: list[dict[str, Any]]) -> None:
    """BatchWriteItem in calls of BATCH, each until DynamoDB has processed all of it."""
    for start in range(0, len(requests), BATCH):
        for _ in until_processed(client.batch_write_item, {table: requests[start : start + BATCH]}, "UnprocessedItems"):
            pass


def until_processed(send: Callable[..., dict[str, Any]], request: dict[str, Any], leftover: str) -> Iterator[Any]:
    """Each answer of a batch call (BatchWriteItem, BatchGetItem) sent again with what DynamoDB left unprocessed
    (it does when throttled), backing off, ATTEMPTS times at most; then the throttling error it amounts to."""
    for attempt in range(ATTEMPTS):
        answer = send(RequestItems=request)
        yield answer
        request = answer.get(leftover) or {}
        if not request:
            return
        time.sleep(0.05 * 2**attempt)
    error = {"Code": "ThrottlingException", "Message": f"DynamoDB left part of a batch unprocessed {ATTEMPTS} times"}
    raise botocore.exceptions.ClientError({"Error": error}, send.__name__)
