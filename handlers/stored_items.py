"""Reading the table's items: their plain values, what the owner and a webhook see of them, their kept fields."""

from __future__ import annotations

import json
from typing import Any

from table_schema import BOT_TOKEN, EXTRA_FIELDS, INBOX, VISITOR_ADDRESS


def from_item(item: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Plain values of a DynamoDB item (this table stores only strings and numbers)."""
    return {name: value.get("S", value.get("N")) for name, value in item.items()}


def public(item: dict[str, Any]) -> dict[str, Any]:
    """What the owner's dashboard and a webhook receiver see of an item: without the index bookkeeping, or a bot
    check's token and address."""
    return {k: v for k, v in item.items() if k not in (INBOX, BOT_TOKEN, VISITOR_ADDRESS)}


def extra_fields(item: dict[str, Any]) -> dict[str, str]:
    """The kept unknown fields of a plain item, in the order they were sent; {} when none."""
    kept: dict[str, str] = json.loads(item.get(EXTRA_FIELDS) or "{}")
    return kept
