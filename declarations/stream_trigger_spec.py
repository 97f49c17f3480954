"""The notify function's stream trigger as data, read by the Notifier component and the local stream poller."""

from __future__ import annotations

from handlers import table_schema as ts

NOTIFY_HANDLER = "notify.handler"  # the function the stream invokes ("module.function" inside handlers/)
# Only new, non-spam items invoke the function (the handler checks the same again).
STREAM_FILTER = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {ts.STATUS: {"S": [ts.NEW]}}}}
# Retries of a failing record before its details go to the dead-letter queue.
MAX_RETRIES = 5
# The hourly digest (notifyMaxPerHour): the notify function is invoked at this minute past every hour.
DIGEST_MINUTE = 5
