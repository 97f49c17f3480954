"""The tables' shapes: read by the components, the local runner and the handlers."""

from __future__ import annotations

import functools
import re
import time
import uuid

# Every submission is its own item keyed by its id, so nothing overwrites anything.
HASH_KEY = "id"
CREATED_AT = "created_at"  # iso_milliseconds
STATUS = "status"
# INBOX_VALUE on every item but spam: the sparse INBOX_INDEX lists the default view newest first, no scan.
INBOX = "inbox"
INBOX_VALUE = "inbox"
EXPIRES_AT = "expires_at"  # TTL attribute, epoch seconds; absent when retention is off
SUBJECT = "subject"  # the subject the form asked for (_subject); absent when none
# Unknown fields kept (extraFields=keep), as one JSON text: a visitor's names never become attributes (id, status).
EXTRA_FIELDS = "extra_fields"

# Why a post is spam, until the owner rescues it: one of SPAM_REASONS, or bot_check.REASONS.
SPAM_REASON = "spam_reason"
SPAM_REASONS = HONEYPOT, VISITOR_LIMIT = ("honeypot", "visitor-limit")
# With the bot check on, a new post's token and address until bot_check.py checks it.
BOT_TOKEN, VISITOR_ADDRESS = "bot_token", "visitor_address"

# When an item became spam: the spam view lists by it, after the time it was last emptied (EMPTIED's item).
SPAM_AT = "spam_at"
EMPTIED, EMPTIED_AT = "spam-emptied", "emptied_at"

STATUS_INDEX, INBOX_INDEX, SPAM_INDEX = "by_status", "inbox", "spam"
# Narrow, as a count is billed by what it reads: the inbox's keys; spam's keys and reasons.
COUNT_INDEX, SPAM_COUNT_INDEX = "inbox_keys", "spam_reasons"
STATUSES = NEW, HANDLED, SPAM = ("new", "handled", "spam")

# The hourly counters (hourly_limits.py): keys "visitor <address or /64> <hour>" and "mailbox <hour>".
COUNTER_KEY, POSTS, COUNTED_IDS = "counter", "posts", "ids"
VISITOR_COUNT, MAILBOX_COUNT = "visitor", "mailbox"
HOUR_SECONDS = 3600
CONDITION_FAILED = "ConditionalCheckFailedException"


_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def canonical_id(raw: str) -> str | None:
    """A submission id as the table keys it (a lower-case hyphenated UUID) from any spelling uuid.UUID reads, or
    None."""
    if _CANONICAL_ID.fullmatch(raw):  # the form every page and script sends; uuid.UUID is slow
        return raw
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


_TWO_DIGITS = tuple(map("{:02d}".format, range(100)))  # formatting ints: 4% of a post


@functools.lru_cache(maxsize=32)  # each date formatted once
def _date(day: int) -> str:
    return time.strftime("%Y-%m-%dT", time.gmtime(day * 86400))


def iso_milliseconds(milliseconds: int) -> str:
    """UTC time with milliseconds and a Z, which sorts as text in time order: how created_at is written."""
    seconds, ms = divmod(milliseconds, 1000)
    day, second = divmod(seconds, 86400)
    two = _TWO_DIGITS
    return f"{_date(day)}{two[second // 3600]}:{two[second // 60 % 60]}:{two[second % 60]}.{two[ms // 10]}{ms % 10}Z"
