"""The optional bot check (Cloudflare Turnstile): whether a new post's token proves a person, asked of the
provider's siteverify by the stream's consumer, and the post marked spam with the reason when it does not.

It runs after the post is stored, not in the contact function: a post that fails validation never spends its
token, a visitor never waits on Cloudflare, the contact function stays without network calls or secrets, and
nothing is lost when the provider is down (the post is kept, as spam the owner can rescue). The stream delivers
within seconds, well inside the token's 300 s.

The environment (env_names): BOT_CHECK_PARAMETER, the SSM SecureString holding the secret key;
BOT_CHECK_HOSTNAMES, the site's hostnames, comma-separated (a token solved elsewhere fails); BOT_CHECK_VERIFY_URL,
set only by the local runner (its stand-in of siteverify)."""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Collection
from typing import Any

import botocore.exceptions

from form_schema import MAX_BOT_TOKEN
from table_schema import (
    BOT_TOKEN,
    CONDITION_FAILED,
    EXPIRES_AT,
    HASH_KEY,
    INBOX,
    NEW,
    SPAM,
    SPAM_AT,
    SPAM_REASON,
    STATUS,
    VISITOR_ADDRESS,
    iso_milliseconds,
)

VERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify"
# Each of the two tries: the notify function's timeout (8 s at least) outlives both.
TIMEOUT_SECONDS = 3
REASONS = MISSING, FAILED, SPENT, UNAVAILABLE = (
    "bot-check-missing",  # no token: no JavaScript, or the widget never ran
    "bot-check-failed",  # the provider said no, or the token was solved on another site
    "bot-check-spent",  # older than 300 s, or already redeemed
    "bot-check-unavailable",  # the provider gave no answer, twice
)
_SECRET_CODES = {"missing-input-secret", "invalid-input-secret"}
logger = logging.getLogger("ctd.bot_check")


def siteverify(url: str, fields: dict[str, str]) -> dict[str, Any] | None:
    """The provider's answer, or None when it gave none: no connection, a timeout, a 5xx, a page not JSON."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read(65536))
    except (OSError, ValueError):  # URLError, HTTPError and timeouts are OSErrors; bad JSON a ValueError
        return None
    return answer if isinstance(answer, dict) and isinstance(answer.get("success"), bool) else None


def verdict(
    secret: str, token: str, address: str, idempotency_key: str, hostnames: Collection[str], url: str = VERIFY_URL
) -> str:
    """ "" when `token` proves a person solved the check on one of `hostnames`, else the spam reason. One retry
    when the provider gives no answer or an internal error, with the same idempotency key, so Cloudflare answers
    it as the first try instead of calling the token spent."""
    if not token:
        return MISSING  # nothing to ask: the provider would only say missing-input-response
    if len(token) > MAX_BOT_TOKEN:
        return FAILED
    fields = {"secret": secret, "response": token, "remoteip": address, "idempotency_key": idempotency_key}
    for _ in range(2):
        answer = siteverify(url, fields)
        if answer is not None and "internal-error" not in (answer.get("error-codes") or []):
            break
    else:
        return UNAVAILABLE
    if answer["success"]:
        return "" if answer.get("hostname") in hostnames else FAILED
    codes = set(answer.get("error-codes") or [])
    if codes & _SECRET_CODES:  # every post would fail: say so where the owner looks (README)
        logger.error("the bot check's secret key was refused; check botCheckSecret", extra={"codes": sorted(codes)})
    return SPENT if "timeout-or-duplicate" in codes else FAILED


def record(client: Any, table: str, item: dict[str, Any], reason: str, spam_days: int, now: float) -> bool:
    """Store `reason`'s outcome on the checked post, forgetting its token and address; whether to tell the owner.

    A post that failed becomes spam (and expires within `spam_days`) only while it is still new and unchecked: a
    retried stream record whose post was checked, or re-filed by the owner, goes by what is stored instead."""
    names = {"#t": BOT_TOKEN, "#a": VISITOR_ADDRESS}
    values: dict[str, Any] = {}
    update = "REMOVE #t, #a"
    condition = "attribute_exists(#t)"
    if reason:
        names.update({"#s": STATUS, "#r": SPAM_REASON, "#i": INBOX, "#at": SPAM_AT})
        when = iso_milliseconds(int(now * 1000))
        values.update({":spam": {"S": SPAM}, ":r": {"S": reason}, ":new": {"S": NEW}, ":at": {"S": when}})
        update = "SET #s = :spam, #r = :r, #at = :at REMOVE #t, #a, #i"
        condition += " AND #s = :new"
        ends = [int(item[EXPIRES_AT])] if item.get(EXPIRES_AT) else []
        ends += [int(now) + spam_days * 86400] if spam_days > 0 else []
        if ends:
            names["#e"] = EXPIRES_AT
            values[":e"] = {"N": str(min(ends))}
            update = update.replace(" REMOVE", ", #e = :e REMOVE")
    try:
        client.update_item(
            TableName=table,
            Key={HASH_KEY: {"S": item[HASH_KEY]}},
            UpdateExpression=update,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            **({"ExpressionAttributeValues": values} if values else {}),
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != CONDITION_FAILED:
            raise
        stored = error.response.get("Item")  # None: the owner deleted it already
        return bool(stored) and stored.get(STATUS, {}).get("S") != SPAM
    return not reason
