"""The table stream's consumer: emails the owners about each new enquiry (up to notifyMaxPerHour an hour, then one
digest after the hour, on a schedule), and optionally calls a signed webhook. Apart from the contact route, so a
submission is stored whether or not email works; a failed record is retried."""

from __future__ import annotations

import base64
import gc
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.request
from datetime import datetime
from email.header import Header
from email.message import Message
from email.utils import formataddr
from typing import Any

import boto3
import botocore.exceptions

import env_names as env
import owner_mailbox
from form_schema import FIELDS, NAME_FIELDS
from stored_items import extra_fields, from_item, public
from table_schema import BOT_TOKEN, EXTRA_FIELDS, HASH_KEY, HOUR_SECONDS, NEW, STATUS, SUBJECT, VISITOR_ADDRESS

NOTIFY_FROM = os.environ.get(env.NOTIFY_FROM, "")
NOTIFY_TO = [a for a in os.environ.get(env.NOTIFY_TO, "").split(",") if a]
CONFIGURATION_SET = os.environ.get(env.NOTIFY_CONFIGURATION_SET, "")
DASHBOARD_URL = os.environ.get(env.DASHBOARD_URL, "")
WEBHOOK_PARAMETER = os.environ.get(env.WEBHOOK_PARAMETER, "")
WEBHOOK_TIMEOUT_SECONDS = 5
BOT_CHECK_PARAMETER = os.environ.get(env.BOT_CHECK_PARAMETER, "")
BOT_CHECK_HOSTNAMES = frozenset(h for h in os.environ.get(env.BOT_CHECK_HOSTNAMES, "").split(",") if h)
BOT_CHECK_VERIFY_URL = os.environ.get(env.BOT_CHECK_VERIFY_URL, "")
SPAM_RETENTION_DAYS = int(os.environ.get(env.SPAM_RETENTION_DAYS, "0"))
COUNTERS_TABLE = os.environ.get(env.COUNTERS_TABLE, "")
TABLE_NAME = os.environ.get(env.TABLE_NAME, "")
MAX_PER_HOUR = int(os.environ.get(env.NOTIFY_MAX_PER_HOUR, "0"))
VISITOR_LIMIT = int(os.environ.get(env.VISITOR_LIMIT, "0"))
SENDER_NAME = "Connecting The Dots"
logger = logging.getLogger("ctd.notify")  # a stream consumer: not API Gateway's plumbing
ses = boto3.client("sesv2") if NOTIFY_FROM else None
gc.freeze()  # as dynamodb_client does: the clients' objects live as long as the container
_parameters: dict[str, str] = {}
_ssm: Any = None
_dynamodb: Any = None


class DeliveryFailed(Exception):
    """This record was not delivered; Lambda should retry it."""


def new_enquiries(records: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(sequence number, item) of each inserted new item (as the stream's filter passes them); modifications,
    removals, spam and the table's own items (the spam view's emptying) are skipped."""
    found = []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        item = from_item(record.get("dynamodb", {}).get("NewImage", {}))
        if item.get(STATUS) != NEW:
            continue
        found.append((record["dynamodb"]["SequenceNumber"], item))
    return found


# Marks every line of text a visitor wrote that may span lines, so none of it can pass for a line the site wrote.
QUOTE = "> "


def quoted(text: str) -> list[str]:
    """`text` as lines each marked as the visitor's: split wherever a mail reader may break a line."""
    return [QUOTE + line for line in text.splitlines() or [""]]


def kept_field_line(name: str, value: str) -> str:
    """A kept field on one marked line: name and value as JSON strings, so a field named "Email" or a value
    with line breaks reads as what it is (U+2028 and U+2029 escaped too: JSON leaves them, mail readers break)."""
    text = f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
    return QUOTE + text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def email_for(item: dict[str, Any], sender: str, recipients: list[str], dashboard_url: str) -> Message:
    """Visitor text is in one header only, as encoded words; Reply-To is the stored address alone. In the body the
    site's own lines come first, then the form's fields under their labels, then the visitor's free text marked."""
    name = f"{item.get('first_name', '')} {item.get('last_name', '')}".strip()
    about = f"New enquiry from {name}"
    # The visitor's _subject follows the site's words, never replaces them: it cannot pose as the site's own mail.
    subject = f"{about}: {item[SUBJECT]}" if item.get(SUBJECT) else about
    if not item.get(SUBJECT) and item.get("company"):
        subject += f" ({item['company']})"
    kept = extra_fields(item)
    lines = [
        *([f"Open it in the dashboard: {dashboard_url}"] if dashboard_url else []),
        f"Reference: {item.get('id', '')}",
        "",
        f"Name: {name}",
        *(f"{f.label}: {item[f.name]}" for f in FIELDS if f.name not in (*NAME_FIELDS, "message") and item.get(f.name)),
        "",
        "Message:" if item.get("message") else "(no message)",
        *(quoted(item["message"]) if item.get("message") else []),
        *(["", "Fields this form does not define, as sent:"] if kept else []),
        *(kept_field_line(label, value) for label, value in kept.items()),
    ]
    message = site_message(subject, "\n".join(lines), sender, recipients)
    message["Reply-To"] = item["email"]  # the owner's reply goes to the visitor
    return message


def site_message(subject: str, body: str, sender: str, recipients: list[str]) -> Message:
    """An email from the site to its owners: the enquiry's, or the hourly digest."""
    message = Message()  # compat32, not email.mime, which imports email.policy at every cold start
    message.set_payload(body, "utf-8")  # text/plain, base64
    message["Subject"] = Header(subject, "utf-8", header_name="Subject")  # type: ignore[assignment]  # compat32 takes a Header
    message["From"] = formataddr((SENDER_NAME, sender))
    message["To"] = ", ".join(recipients)
    if CONFIGURATION_SET:  # SES's header for raw mail: its events (bounces, complaints) are watched
        message["X-SES-CONFIGURATION-SET"] = CONFIGURATION_SET
    return message


def send_email(client: Any, message: Message, sender: str, recipients: list[str]) -> None:
    try:
        client.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": recipients},
            Content={"Raw": {"Data": message.as_bytes()}},
        )
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "MessageRejected":
            # In SES's sandbox, every address must be a verified identity.
            logger.error(
                "SES rejected the email: probably the SES sandbox or an unverified address (see the README)",
                extra={"ses_error": code},
            )
        else:
            logger.error("SES refused the email", extra={"ses_error": code})
        raise DeliveryFailed(code) from error


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Standard Webhooks: HMAC-SHA256 over "<id>.<timestamp>.<body>" with the key inside the whsec_ secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def parameter(name: str) -> str:
    """An SSM SecureString's value (the webhook's, the bot check's secret key), read on first use per container:
    a cold start pays nothing for it."""
    global _ssm
    if name not in _parameters:
        _ssm = _ssm or boto3.client("ssm")
        _parameters[name] = _ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    return _parameters[name]


def webhook() -> dict[str, str] | None:
    """The webhook's URL and signing secret."""
    if not WEBHOOK_PARAMETER:
        return None
    found: dict[str, str] = json.loads(parameter(WEBHOOK_PARAMETER))
    return found


def webhook_data(item: dict[str, Any]) -> dict[str, Any]:
    """The enquiry as receivers get it: the kept extra fields as an object ({} when none)."""
    return {**public(item), EXTRA_FIELDS: extra_fields(item)}


def post_webhook(url: str, secret: str, item: dict[str, Any]) -> None:
    now = time.time()
    sent_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    body = json.dumps({"type": "enquiry.created", "timestamp": sent_at, "data": webhook_data(item)}, ensure_ascii=False)
    # The id is the submission's, so a retried delivery has the same one and a receiver can drop repeats.
    headers = signed_headers(secret, item[HASH_KEY], int(now), body.encode())
    # The URL is https-only, checked when the stack settings are read.
    request = urllib.request.Request(  # noqa: S310
        url, data=body.encode(), method="POST", headers={"content-type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read(1024)
    except (OSError, ValueError) as error:
        logger.error("webhook delivery failed", extra={"webhook_error": type(error).__name__})
        raise DeliveryFailed(type(error).__name__) from error


def dynamodb() -> Any:
    """The counters' client, made on first use: a cold start that sends nothing pays nothing for it."""
    global _dynamodb
    if _dynamodb is None:
        _dynamodb = boto3.client("dynamodb")
    return _dynamodb


def passes_bot_check(item: dict[str, Any]) -> bool:
    """Whether a post kept for the bot check passes it (bot_check.py); one that does not is now spam."""
    import bot_check  # here: a stack without the check never loads urllib.parse or the check's code

    reason = bot_check.verdict(
        parameter(BOT_CHECK_PARAMETER),
        item[BOT_TOKEN],
        item.get(VISITOR_ADDRESS, ""),
        item[HASH_KEY],  # the idempotency key: a retried record is Cloudflare's retry of the same check
        BOT_CHECK_HOSTNAMES,
        BOT_CHECK_VERIFY_URL or bot_check.VERIFY_URL,
    )
    if reason:
        logger.info("enquiry held by the bot check", extra={"submission_id": item[HASH_KEY], "reason": reason})
    return bot_check.record(dynamodb(), TABLE_NAME, item, reason, SPAM_RETENTION_DAYS, time.time())


def deliver(item: dict[str, Any]) -> None:
    if ses is not None and owner_mailbox.admits(dynamodb(), COUNTERS_TABLE, item[HASH_KEY], MAX_PER_HOUR, time.time()):
        send_email(ses, email_for(item, NOTIFY_FROM, NOTIFY_TO, DASHBOARD_URL), NOTIFY_FROM, NOTIFY_TO)
    hook = webhook()
    if hook is not None:
        post_webhook(hook["url"], hook["secret"], item)


def send_digest(now: float) -> None:
    """The digest of the hour before `now`, once, when that hour had enquiries past the cap."""
    if ses is None:  # email off: no mailbox to cap, nothing to digest
        return
    hour = int(now) // HOUR_SECONDS - 1
    over = owner_mailbox.claim_digest(dynamodb(), COUNTERS_TABLE, hour)
    if not over:
        return
    held = owner_mailbox.held_back(dynamodb(), TABLE_NAME, hour)
    subject, body = owner_mailbox.digest_text(hour, over, held, MAX_PER_HOUR, VISITOR_LIMIT, DASHBOARD_URL)
    try:
        send_email(ses, site_message(subject, body, NOTIFY_FROM, NOTIFY_TO), NOTIFY_FROM, NOTIFY_TO)
    except DeliveryFailed:
        owner_mailbox.release_digest(dynamodb(), COUNTERS_TABLE, hour)  # the schedule's retry sends it
        raise
    logger.info("digest sent", extra={"hour": owner_mailbox.iso_hour(hour), "over": over, "held_back": held})


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    if event.get("detail-type") == "Scheduled Event":  # EventBridge's hourly rule; its time is the clock
        send_digest(datetime.fromisoformat(event["time"]).timestamp())
        return {}
    failures = []
    for sequence, item in new_enquiries(event.get("Records", [])):
        try:
            # A post kept with a token (the contact function had the check on) is checked first.
            if BOT_TOKEN in item and BOT_CHECK_PARAMETER and not passes_bot_check(item):
                continue
            deliver(item)
            logger.info("enquiry delivered", extra={"submission_id": item.get("id")})
        except DeliveryFailed:
            # Lambda resumes a shard from its lowest failed record, so everything after it comes
            # again anyway: stop here rather than deliver those twice.
            failures.append({"itemIdentifier": sequence})
            break
    return {"batchItemFailures": failures}
