"""Contact posts per visitor and hour: past the limit kept as spam (answered as usual: offices share addresses),
past the ceiling (no person reaches it) refused."""

from __future__ import annotations

import ipaddress
from typing import Any

from api_gateway import TooManyRequests
from dynamo_items import dynamo_errors
from hourly_counts import count_once
from table_schema import HOUR_SECONDS, VISITOR_COUNT, VISITOR_LIMIT


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
    """The counters table, contactClientLimit and contactClientCeiling."""

    __slots__ = ("ceiling", "limit", "table")

    def __init__(self, table: str, limit: int, ceiling: int) -> None:
        self.table, self.limit, self.ceiling = table, limit, ceiling

    def spam_reason(self, client: Any, visitor: str, submission_id: str, now: float) -> str:
        """VISITOR_LIMIT or "" by the count the update returned; TooManyRequests past the ceiling."""
        with dynamo_errors():
            posts = count_once(client, self.table, f"{VISITOR_COUNT} {visitor}", submission_id, self.ceiling, 600, now)
        if not posts:
            wait = HOUR_SECONDS - int(now) % HOUR_SECONDS
            raise TooManyRequests(
                f"{self.ceiling} posts from this address this hour; none kept: retry in {wait}s", wait
            )
        return VISITOR_LIMIT if posts > self.limit else ""
