"""The notify function against moto's real stream records and SES: one email per new enquiry, failures retried."""

from __future__ import annotations

import base64
import email
import email.policy
import importlib
import json
import logging
import threading
import time
import types
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
import standardwebhooks
from moto.backends import get_backend

from local.emulator import CONFIGURATION_SET, COUNTERS_TABLE, NOTIFY_FROM, REGION, TABLE_NAME
from tests.support.handler_events import Store, valid_fields

# A Standard Webhooks secret: whsec_ and 32 random bytes in base64, as the README makes one.
SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


def sent() -> list:
    return get_backend("ses")["123456789012"][REGION].sent_messages


@pytest.fixture
def notify(store: Store, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = importlib.import_module("notify")
    monkeypatch.setattr(module, "ses", boto3.client("sesv2"))
    monkeypatch.setattr(module, "NOTIFY_FROM", NOTIFY_FROM)
    monkeypatch.setattr(module, "CONFIGURATION_SET", CONFIGURATION_SET)
    monkeypatch.setattr(module, "NOTIFY_TO", ["owner@example.com"])
    monkeypatch.setattr(module, "DASHBOARD_URL", "https://www.example.com/dashboard.html")
    monkeypatch.setattr(module, "_ssm", None)
    monkeypatch.setattr(module, "_parameters", {})
    boto3.client("sesv2").create_email_identity(EmailIdentity=NOTIFY_FROM)
    return module


def submit(contact: types.ModuleType, store: Store, **fields: str) -> str:
    return contact.accept(store.client, TABLE_NAME, 0, valid_fields(**fields))


def test_one_email_per_new_enquiry_with_reply_to_the_visitor(notify, contact, store: Store) -> None:
    before = len(sent())
    submit(contact, store, first_name="Zoë", email="zoe@example.com", company="Dots Ltd", message="Hello\nthere")
    submit(contact, store, first_name="Bot", website="http://spam.example")
    result = notify.handler({"Records": store.stream_records()}, None)
    assert result == {"batchItemFailures": []}
    (message,) = sent()[before:]
    parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
    assert parsed["Reply-To"].addresses[0].addr_spec == "zoe@example.com"
    assert parsed["To"] == "owner@example.com"
    assert parsed["Subject"] == "New enquiry from Zoë Lovelace (Dots Ltd)"
    body = parsed.get_content()
    assert "> Hello\n> there" in body and body.startswith(
        "Open it in the dashboard: https://www.example.com/dashboard.html\n"
    )


def test_modifications_and_removals_send_nothing(notify, contact, store: Store) -> None:
    sid = submit(contact, store)
    store.client.update_item(
        TableName=TABLE_NAME,
        Key={"id": {"S": sid}},
        UpdateExpression="SET #s = :h",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":h": {"S": "handled"}},
    )
    store.client.delete_item(TableName=TABLE_NAME, Key={"id": {"S": sid}})
    records = store.stream_records()
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    before = len(sent())
    notify.handler({"Records": records[1:]}, None)
    assert len(sent()) == before


def test_ses_refusal_is_a_partial_batch_failure_naming_the_sandbox(
    notify, contact, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(notify, "NOTIFY_FROM", "unverified@example.org")
    submit(contact, store, message="first")
    submit(contact, store, message="second")
    records = store.stream_records()
    before = len(sent())
    with caplog.at_level(logging.ERROR, logger="ctd"):
        result = notify.handler({"Records": records}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}
    assert len(sent()) == before
    assert any("SES sandbox" in r.getMessage() for r in caplog.records)
    assert "unverified@example.org" not in caplog.text and "first" not in caplog.text, "no addresses or content"
    assert len(store.items()) == 2, "the submissions are stored whatever happens to email"


class Receiver:
    """A webhook endpoint on loopback that records calls and answers with `status`."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(notify, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    hook = Receiver()
    ssm = boto3.client("ssm")
    ssm.put_parameter(
        Name="/ctd/webhook", Type="SecureString", Value=json.dumps({"url": hook.url, "secret": SECRET}), Overwrite=True
    )
    monkeypatch.setattr(notify, "_ssm", ssm)
    monkeypatch.setattr(notify, "WEBHOOK_PARAMETER", "/ctd/webhook")
    yield hook
    hook.server.shutdown()


def test_webhook_is_a_standard_webhook_its_library_accepts(notify, contact, store: Store, receiver: Receiver) -> None:
    """The receiver is the specification's own library: what it accepts, any Standard Webhooks receiver does."""
    sid = submit(contact, store, company="Dots Ltd")
    assert notify.handler({"Records": store.stream_records()}, None) == {"batchItemFailures": []}
    ((headers, body),) = receiver.calls
    payload = standardwebhooks.Webhook(SECRET).verify(body, headers)
    assert headers["webhook-id"] == sid, "the submission id: the same on every retry, so receivers can drop repeats"
    assert payload["type"] == "enquiry.created" and payload["timestamp"].endswith("Z")
    assert payload["data"]["id"] == sid and payload["data"]["company"] == "Dots Ltd"
    assert payload["data"]["extra_fields"] == {}
    assert set(payload["data"]) == {"id", "created_at", "status", *valid_fields(company="x"), "extra_fields"}, (
        "the enquiry's own fields only: no index bookkeeping such as inbox"
    )
    assert not any(name.startswith("x-ctd") for name in headers), "the old scheme is gone, not kept beside"


def test_a_receiver_refuses_a_changed_body_a_wrong_secret_and_an_old_timestamp(
    notify, contact, store: Store, receiver: Receiver
) -> None:
    submit(contact, store, company="Dots Ltd")
    notify.handler({"Records": store.stream_records()}, None)
    ((headers, body),) = receiver.calls
    ours, other = standardwebhooks.Webhook(SECRET), standardwebhooks.Webhook(base64.b64encode(b"x" * 32).decode())
    assert ours.verify(body, headers)["data"]["company"] == "Dots Ltd"
    five_minutes_and_more = str(int(headers["webhook-timestamp"]) - 301)
    for refused_body, refused_headers, receiver_key in (
        (body.replace(b"Dots Ltd", b"Evil Ltd"), headers, ours),
        (body, headers, other),
        (body, {**headers, "webhook-timestamp": five_minutes_and_more}, ours),
        (body, {**headers, "webhook-id": "another-id"}, ours),
    ):
        with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
            receiver_key.verify(refused_body, refused_headers)


def test_the_signature_matches_the_specifications_example(notify) -> None:
    # The example in the Standard Webhooks specification (its test vector).
    signed = notify.signed_headers(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signed["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_failing_webhook_fails_only_its_record_and_stops_there(notify, contact, store: Store, receiver) -> None:
    receiver.status = 500
    submit(contact, store, message="one")
    submit(contact, store, message="two")
    records = store.stream_records()
    result = notify.handler({"Records": records}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}
    assert len(receiver.calls) == 1, "the second record waits for the retry instead of being delivered twice"


def test_email_goes_from_the_configured_sender_through_the_configuration_set(notify, contact, store: Store) -> None:
    before = len(sent())
    submit(contact, store)
    assert notify.handler({"Records": store.stream_records()}, None) == {"batchItemFailures": []}
    (message,) = sent()[before:]
    parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
    assert message.source == NOTIFY_FROM and parsed["From"].addresses[0].addr_spec == NOTIFY_FROM
    assert parsed["X-SES-CONFIGURATION-SET"] == CONFIGURATION_SET


def test_subject_and_kept_fields_reach_the_email_and_the_webhook(
    notify, contact, store: Store, receiver: Receiver
) -> None:
    before = len(sent())
    fields = valid_fields(_subject="Quote for 3 sites", budget="10k", **{"How did you hear?": "A friend"})
    contact.accept(store.client, TABLE_NAME, 0, fields, keep_extra=True)
    assert notify.handler({"Records": store.stream_records()}, None) == {"batchItemFailures": []}
    (message,) = sent()[before:]
    parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
    assert parsed["Subject"] == "New enquiry from Ada Lovelace: Quote for 3 sites"
    assert '> "budget": "10k"\n> "How did you hear?": "A friend"' in parsed.get_content()
    ((headers, body),) = receiver.calls
    data = standardwebhooks.Webhook(SECRET).verify(body, headers)["data"]
    assert data["extra_fields"] == {"budget": "10k", "How did you hear?": "A friend"}
    assert data["subject"] == "Quote for 3 sites"


def hour_event(hour: int, minute: int = 5) -> dict:
    """EventBridge's scheduled event, fired `minute` past the hour after `hour`: the digest's clock."""
    fired = datetime.fromtimestamp((hour + 1) * 3600 + minute * 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"detail-type": "Scheduled Event", "source": "aws.events", "time": fired, "detail": {}}


def parsed(message: object) -> email.message.EmailMessage:
    return email.message_from_string(message.raw_data, policy=email.policy.default)  # type: ignore[attr-defined]


def test_the_mailbox_takes_notify_max_per_hour_then_one_digest_counts_the_rest(
    notify, contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify, "MAX_PER_HOUR", 3)
    hour = int(time.time()) // 3600
    for n in range(7):
        contact.accept(store.client, TABLE_NAME, 0, valid_fields(first_name=f"P{n}"))
    limits = contact.VisitorLimits(COUNTERS_TABLE, 1, 50)
    for n in range(3):  # one address: its first post is kept, the next two held back as spam
        contact.accept(store.client, TABLE_NAME, 0, valid_fields(first_name=f"Bot{n}"), limits=limits, visitor="b")
    before = len(sent())
    assert notify.handler({"Records": store.stream_records()}, None) == {"batchItemFailures": []}
    emailed = [str(parsed(m)["Subject"]) for m in sent()[before:]]
    assert len(emailed) == 3 and all(s.startswith("New enquiry from ") for s in emailed)

    if int(time.time()) // 3600 != hour:
        pytest.skip("the hour ended while the test ran; its counts are split across two hours")
    assert notify.handler(hour_event(hour), None) == {}
    (digest,) = [parsed(m) for m in sent()[before + 3 :]]
    assert str(digest["Subject"]).startswith("5 more enquiries between ")  # 8 not spam, 3 emailed
    body = digest.get_content()
    assert "the per-visitor limit (more than 5 posts an hour from one address) kept 2 posts as spam" in body
    assert "https://www.example.com/dashboard.html" in body and digest["To"] == "owner@example.com"
    assert notify.handler(hour_event(hour, minute=6), None) == {} and len(sent()) == before + 4, "one digest an hour"


def test_a_digest_that_fails_to_send_is_sent_by_the_retry(notify, contact, store: Store, monkeypatch) -> None:
    monkeypatch.setattr(notify, "MAX_PER_HOUR", 1)
    hour = int(time.time()) // 3600
    for n in range(3):
        contact.accept(store.client, TABLE_NAME, 0, valid_fields(first_name=f"P{n}"))
    notify.handler({"Records": store.stream_records()}, None)
    if int(time.time()) // 3600 != hour:
        pytest.skip("the hour ended while the test ran")
    before = len(sent())
    monkeypatch.setattr(notify, "NOTIFY_FROM", "unverified@example.org")  # SES refuses it, as its sandbox does
    with pytest.raises(notify.DeliveryFailed):
        notify.handler(hour_event(hour), None)
    monkeypatch.setattr(notify, "NOTIFY_FROM", NOTIFY_FROM)
    notify.handler(hour_event(hour), None)
    (digest,) = [parsed(m) for m in sent()[before:]]
    assert str(digest["Subject"]).startswith("2 more enquiries between ")


def test_an_hour_within_the_cap_sends_no_digest(notify, contact, store: Store) -> None:
    hour = int(time.time()) // 3600
    contact.accept(store.client, TABLE_NAME, 0, valid_fields())
    notify.handler({"Records": store.stream_records()}, None)
    before = len(sent())
    assert notify.handler(hour_event(hour), None) == {} and len(sent()) == before


def test_a_retried_record_is_emailed_again_and_counted_once(notify, contact, store: Store, monkeypatch) -> None:
    monkeypatch.setattr(notify, "MAX_PER_HOUR", 1)
    contact.accept(store.client, TABLE_NAME, 0, valid_fields())
    records = store.stream_records()
    before = len(sent())
    notify.handler({"Records": records}, None)
    notify.handler({"Records": records}, None)  # Lambda retries a batch whose later record failed
    assert len(sent()) == before + 2, "a retry of an emailed enquiry is sent again, not swallowed by the cap"
    (counter,) = boto3.client("dynamodb").scan(TableName=COUNTERS_TABLE)["Items"]
    assert counter["posts"]["N"] == "1" and "over" not in counter


def test_with_email_off_the_schedule_touches_nothing(notify, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notify, "ses", None)

    def no_client() -> None:
        raise AssertionError("the digest read the counters although email is off")

    monkeypatch.setattr(notify, "dynamodb", no_client)
    assert notify.handler(hour_event(int(time.time()) // 3600), None) == {}
