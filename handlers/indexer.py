"""The table stream's second consumer: keeps the search index (word_index.py) in step with every enquiry. A new or
rescued enquiry is indexed; one that becomes spam, is deleted or expires is removed. Apart from notify.py, so the
index's throttling or failures never delay the owner's email; a failed record is retried, and every write is a
put or delete of fixed keys, so a record delivered twice changes nothing more."""

from __future__ import annotations

import logging
from typing import Any

import table_schema as ts
import word_index
from dynamodb_client import TABLE_NAME, dynamodb
from enquiry_words import indexed_words, is_searchable
from stored_items import from_item

logger = logging.getLogger("ctd.indexer")  # ids and error kinds only: never an enquiry's words


def apply(record: dict[str, Any]) -> None:
    """Bring the index in step with the enquiry a record names, as it is now (not as the record shows it): a record
    handled late, after the enquiry was erased, cannot index it again."""
    submission_id = record["dynamodb"]["Keys"][ts.HASH_KEY]["S"]
    if ts.canonical_id(submission_id) != submission_id:  # the table's own items (the spam view's emptying)
        return
    current = None
    if record["eventName"] != "REMOVE":
        key = {ts.HASH_KEY: {"S": submission_id}}
        current = dynamodb.get_item(TableName=TABLE_NAME, Key=key, ConsistentRead=True).get("Item")
    item = from_item(current) if current else None
    if item is None or not is_searchable(item):
        word_index.remove(dynamodb, word_index.TABLE, submission_id)
        return
    listed = word_index.entries_of(dynamodb, word_index.TABLE, submission_id)
    if listed is None or listed.get(ts.EXPIRES_AT, {}).get("N", "") != str(item.get(ts.EXPIRES_AT) or ""):
        # New, rescued, or a new expiry (every entry carries it).
        word_index.write(dynamodb, word_index.TABLE, item, *indexed_words(item))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Apply the records in order; at the first failure, report it and leave the rest to Lambda's retry, which
    resumes there (ReportBatchItemFailures), so a later change never lands before an earlier one."""
    for record in event.get("Records", []):
        try:
            apply(record)
        except Exception as error:
            logger.error("indexing %s failed: %s", record["dynamodb"]["Keys"][ts.HASH_KEY]["S"], type(error).__name__)
            return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    return {"batchItemFailures": []}
