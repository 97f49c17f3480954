"""Hourly limits, each id counted once per clock hour in one atomic update: a visitor's posts (contact.VisitorLimits)
and the owner's emails."""

from __future__ import annotations

import socket
from typing import Any

import botocore.exceptions

from table_schema import CONDITION_FAILED, COUNTED_IDS, COUNTER_KEY, EXPIRES_AT, HOUR_SECONDS, POSTS

_V4_MAPPED = bytes(10) + b"\xff\xff"  # ::ffff:a.b.c.d, an IPv4 visitor seen through an IPv6 socket
_NAMES = {"#n": POSTS, "#ids": COUNTED_IDS, "#e": EXPIRES_AT}
_ONE = {"N": "1"}


def count_once(client: Any, table: str, key: str, item_id: str, most: int, keep_seconds: int, now: float) -> int:
    """`item_id`'s number this hour under `key` (each concurrent caller its own); a retry's, the count found; 0
    once `most` are counted. The item is kept `keep_seconds` past its hour."""
    hour = int(now) // HOUR_SECONDS
    try:
        result = client.update_item(
            TableName=table,
            Key={COUNTER_KEY: {"S": f"{key} {hour}"}},
            UpdateExpression="ADD #n :one, #ids :id SET #e = if_not_exists(#e, :e)",
            ConditionExpression="attribute_not_exists(#n) OR #n < :most AND NOT contains(#ids, :sid)",
            ExpressionAttributeNames=_NAMES,
            ExpressionAttributeValues={
                ":one": _ONE,
                ":id": {"SS": [item_id]},
                ":sid": {"S": item_id},
                ":most": {"N": str(most)},
                ":e": {"N": str((hour + 1) * HOUR_SECONDS + keep_seconds)},
            },
            ReturnValues="UPDATED_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != CONDITION_FAILED:
            raise
        old = error.response.get("Item") or {}
        return int(old[POSTS]["N"]) if item_id in old.get(COUNTED_IDS, {}).get("SS", []) else 0
    return int(result["Attributes"][POSTS]["N"])


def visitor_key(address: str, with_port: bool = False) -> str | None:
    """An IPv4 address, or an IPv6 one's /64 (one host holds a whole /64); None for none. Takes "ip", "ipv4:port",
    "[ipv6]:port", and with `with_port` "ipv6:port" (CloudFront-Viewer-Address's form)."""
    text = address.strip()
    if text.startswith("["):
        text, closed, _ = text[1:].partition("]")
        if not closed:
            return None
    elif with_port or text.count(":") == 1:
        text = text.rpartition(":")[0]
    # inet_pton: in C (ipaddress's objects cost a post 10 us), and so strict that IPv4 it takes is canonical.
    try:
        socket.inet_pton(socket.AF_INET, text)
        return text
    except OSError:
        pass
    try:
        packed = socket.inet_pton(socket.AF_INET6, text)
    except OSError:
        return None
    if packed[:12] == _V4_MAPPED:
        return socket.inet_ntop(socket.AF_INET, packed[12:])
    return socket.inet_ntop(socket.AF_INET6, packed[:8] + bytes(8)) + "/64"
