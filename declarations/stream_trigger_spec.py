"""The table stream's triggers as data (the notify function's and the search indexer's), read by the Notifier and
SearchIndex components and the local stream poller."""

from __future__ import annotations

from handlers import table_schema as ts

NOTIFY_HANDLER = "notify.handler"  # the function the stream invokes ("module.function" inside handlers/)
# Only new, non-spam items invoke the function (the handler checks the same again).
STREAM_FILTER = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {ts.STATUS: {"S": [ts.NEW]}}}}
INDEXER_HANDLER = "indexer.handler"
# Everything but a new spam item (not indexed): new and rescued enquiries, any change, every removal.
INDEX_FILTERS = (
    {"eventName": ["INSERT"], "dynamodb": {"NewImage": {ts.STATUS: {"S": [{"anything-but": [ts.SPAM]}]}}}},
    {"eventName": ["MODIFY", "REMOVE"]},
)
# Retries of a failing record before its details go to the dead-letter queue.
MAX_RETRIES = 5
# The hourly digest (notifyMaxPerHour): the notify function is invoked at this minute past every hour.
DIGEST_MINUTE = 5
