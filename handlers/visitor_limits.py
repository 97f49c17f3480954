"""Contact posts per visitor and hour: past the limit kept as spam (answered as usual: offices share addresses),
past the ceiling, which no person reaches, refused."""

from __future__ import annotations

import ipaddress
from typing import Any

import botocore.exceptions

from api_gateway import TooManyRequests
from dynamo_items import CONDITION_FAILED, dynamo_errors
from table_schema import COUNTED_IDS, EXPIRES_AT, EXPIRY_MARGIN_SECONDS, HOUR_SECONDS, POSTS, COUNTER_KEY, VISITOR_LIMIT


def visitor_key(address: str, with_port: bool = False) -> str | None:
    """An IPv4 address, or an IPv6 one's /64 (one host holds a whole /64); None for no address. Takes "ip",
    "ipv4:port", "[ipv6]:port", and with `with_port` "ipv6:port" (CloudFront-Viewer-Address's form)."""
    text = address.strip()
    if text.startswith("["):
        text, closed, _ = text[1:].partition("]")
        if not closed:
            return None
    elif with_port or text.count(":") == 1:
        text = text.rpartition(":")[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class VisitorLimits:
    __slots__ = ("ceiling", "limit", "table")

    def __init__(self, table: str, limit: int, ceiling: int) -> None:
        self.table, self.limit, self.ceiling = table, limit, ceiling

    def count(self, client: Any, visitor: str, submission_id: str, now: float) -> int:
        """The post's number this hour, from one UpdateItem (concurrent posts each get their own). A retry gets the
        count it finds; past the ceiling nothing is added (the item stays small) and ceiling + 1 comes back."""
        hour = int(now) // HOUR_SECONDS
        try:
            with dynamo_errors():
                result = client.update_item(
                    TableName=self.table,
                    Key={COUNTER_KEY: {"S": f"visitor {visitor} {hour}"}},
                    UpdateExpression="ADD #posts :one, #ids :id SET #expires = if_not_exists(#expires, :expires)",
                    ConditionExpression="attribute_not_exists(#posts) OR #posts < :most AND NOT contains(#ids, :sid)",
                    ExpressionAttributeNames={"#posts": POSTS, "#ids": COUNTED_IDS, "#expires": EXPIRES_AT},
                    ExpressionAttributeValues={
                        ":one": {"N": "1"},
                        ":id": {"SS": [submission_id]},
                        ":sid": {"S": submission_id},
                        ":most": {"N": str(self.ceiling)},
                        ":expires": {"N": str((hour + 1) * HOUR_SECONDS + EXPIRY_MARGIN_SECONDS)},
                    },
                    ReturnValues="UPDATED_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except botocore.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") != CONDITION_FAILED:
                raise
            old = error.response.get("Item") or {}
            if submission_id in old.get(COUNTED_IDS, {}).get("SS", []):
                return int(old[POSTS]["N"])
            return self.ceiling + 1
        return int(result["Attributes"][POSTS]["N"])

    def spam_reason(self, client: Any, visitor: str, submission_id: str, now: float) -> str:
        """Why the post is spam (VISITOR_LIMIT, or "" for not), from the count the update returned; TooManyRequests
        past the ceiling."""
        posts = self.count(client, visitor, submission_id, now)
        if posts > self.ceiling:
            wait = HOUR_SECONDS - int(now) % HOUR_SECONDS
            raise TooManyRequests(
                f"{self.ceiling} messages from this address this hour; nothing saved: retry in {wait // 60 + 1} min",
                wait,
            )
        return VISITOR_LIMIT if posts > self.limit else ""
