"""The submissions table as the SubmissionsTable component declares it and the local runner creates it: its key
attributes, its indexes and its stream. Apart from handlers/table_schema.py (the names the code uses), as no
function needs the declaration itself."""

from __future__ import annotations

from handlers import table_schema as ts

ATTRIBUTES: dict[str, str] = {ts.HASH_KEY: "S", ts.CREATED_AT: "S", ts.STATUS: "S", ts.INBOX: "S", ts.SPAM_AT: "S"}
# index name -> (hash key, range key); every index projects all attributes. SPAM_INDEX is sparse: only items that
# are spam have SPAM_AT.
INDEXES: dict[str, tuple[str, str]] = {
    ts.STATUS_INDEX: (ts.STATUS, ts.CREATED_AT),
    ts.INBOX_INDEX: (ts.INBOX, ts.CREATED_AT),
    ts.SPAM_INDEX: (ts.STATUS, ts.SPAM_AT),
}
STREAM_VIEW_TYPE = "NEW_IMAGE"
