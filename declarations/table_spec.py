"""The submissions table as the SubmissionsTable component declares it and the local runner creates it: its key
attributes, its indexes and its stream. Apart from handlers/table_schema.py (the names the code uses), as no
function needs the declaration itself."""

from __future__ import annotations

from handlers import table_schema as ts

ATTRIBUTES: dict[str, str] = {ts.HASH_KEY: "S", ts.CREATED_AT: "S", ts.STATUS: "S", ts.INBOX: "S", ts.SPAM_AT: "S"}
# index name -> (hash key, range key). SPAM_INDEX is sparse: only items that are spam have SPAM_AT.
INDEXES: dict[str, tuple[str, str]] = {
    ts.STATUS_INDEX: (ts.STATUS, ts.CREATED_AT),
    ts.INBOX_INDEX: (ts.INBOX, ts.CREATED_AT),
    ts.SPAM_INDEX: (ts.STATUS, ts.SPAM_AT),
    ts.COUNT_INDEX: (ts.INBOX, ts.CREATED_AT),
    ts.SPAM_COUNT_INDEX: (ts.STATUS, ts.SPAM_AT),
}
# What each index copies of an item: everything, but the counts' indexes. The daily counts' holds the keys alone, so
# a Select=COUNT reads (and is billed for) entries of a few dozen bytes, not whole enquiries; the spam view's counts
# per reason read its keys and each item's reason.
PROJECTIONS = {ts.COUNT_INDEX: "KEYS_ONLY", ts.SPAM_COUNT_INDEX: "INCLUDE"}
NON_KEY_ATTRIBUTES = {ts.SPAM_COUNT_INDEX: [ts.SPAM_REASON]}


def projection(index: str) -> str:
    return PROJECTIONS.get(index, "ALL")


def non_key_attributes(index: str) -> list[str] | None:
    """The attributes an INCLUDE index copies beside the keys; None for the others."""
    return NON_KEY_ATTRIBUTES.get(index)


def projection_request(index: str) -> dict[str, object]:
    """An index's projection as DynamoDB's CreateTable takes it."""
    included = non_key_attributes(index)
    return {"ProjectionType": projection(index), **({"NonKeyAttributes": included} if included else {})}


STREAM_VIEW_TYPE = "NEW_IMAGE"
