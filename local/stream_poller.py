"""Stand-ins for Lambda's DynamoDB stream triggers: each reads the local table's stream and calls its function's
handler (the notify function's, the search indexer's)."""

from __future__ import annotations

import email
import email.policy
import importlib
import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from declarations.stream_trigger_spec import INDEXER_HANDLER, MAX_RETRIES, NOTIFY_HANDLER

logger = logging.getLogger("ctd.local.stream")
POLL_SECONDS = 0.5
RETRY_SECONDS = 1.0
DEAD_LETTER_QUEUE = "ctd-local-notify-dead-letters"
INDEX_DEAD_LETTER_QUEUE = "ctd-local-index-dead-letters"
OUTBOX = Path(__file__).resolve().parent.parent / ".local" / "outbox"


def note_email(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    raw = params["Content"]["Raw"]["Data"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    context["ctd_email"] = raw
    context["ctd_summary"] = (
        f"email sent to {message['To']} from {message['From']}: {message['Subject']} (reply-to {message['Reply-To']},"
        f" configuration set {message['X-SES-CONFIGURATION-SET'] or 'none'})"
    )


def print_sent_email(http_response: Any, context: dict[str, Any], **_: Any) -> None:
    """Each email SES (moto) accepted: its exact bytes kept as an .eml file (any mail client opens it), and
    one line with its path, so a developer sees it happen."""
    if http_response.status_code == 200 and "ctd_email" in context:
        OUTBOX.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        path = OUTBOX / f"{stamp}.eml"
        path.write_bytes(context["ctd_email"])
        print(f"{context['ctd_summary']}\n  kept as {path}", flush=True)


class StreamReader:
    """The records a table's stream has gained since the last read, from every shard, in order within each: what
    one reader of the stream (a Lambda trigger) gets."""

    def __init__(self, table_name: str) -> None:
        self._streams = boto3.client("dynamodbstreams")
        self._arn = boto3.client("dynamodb").describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        self._iterators: dict[str, str] = {}

    def read(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for shard in self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            page = self._streams.get_records(ShardIterator=self._iterators[shard_id])
            self._iterators[shard_id] = page["NextShardIterator"]
            records += page["Records"]
        return records


class StreamTrigger:
    """A stand-in for one function's DynamoDB stream trigger: its own reader of the stream, in a thread, calling
    the function's handler as Lambda does."""

    def __init__(self, table_name: str, handler: str, dead_letter_queue: str) -> None:
        self._table_name, self._handler_name, self._queue = table_name, handler, dead_letter_queue
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"stream-{handler}", daemon=True)

    def load(self) -> Any:
        """The handler's module, imported now: after the runner has set the environment, as Lambda's would be."""
        self.module = importlib.import_module(self._handler_name.split(".")[0])
        self.handler = getattr(self.module, self._handler_name.split(".")[1])
        return self.module

    def start(self) -> None:
        self._sqs = boto3.client("sqs")
        self._dead_letter_url = self._sqs.create_queue(QueueName=self._queue)["QueueUrl"]
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        reader = StreamReader(self._table_name)
        while not self._stop.wait(POLL_SECONDS):
            try:
                records = reader.read()
                if records:
                    self._deliver(records)
            except Exception:
                logger.exception("stream polling failed; trying again")

    def _deliver(self, records: list[dict[str, Any]]) -> None:
        """As Lambda's stream trigger does: resume from the first failed record, retry MAX_RETRIES times,
        then send that record's details to the dead-letter queue and go on with the rest."""
        pending, attempts = records, 0
        while pending and not self._stop.is_set():
            result = self.handler({"Records": pending}, None)
            failed = [failure["itemIdentifier"] for failure in result.get("batchItemFailures", [])]
            if not failed:
                return
            sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in pending]
            pending, attempts = pending[sequence_numbers.index(failed[0]) :], attempts + 1
            if attempts <= MAX_RETRIES:
                self._stop.wait(RETRY_SECONDS)
                continue
            self._dead_letter(pending[0], attempts)
            pending, attempts = pending[1:], 0

    def _dead_letter(self, record: dict[str, Any], attempts: int) -> None:
        sequence_number = record["dynamodb"]["SequenceNumber"]
        # The shape of Lambda's on-failure record for a stream: where the record is, not what it holds.
        failure = {
            "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": attempts},
            "DDBStreamBatchInfo": {
                "streamArn": record.get("eventSourceARN", ""),
                "startSequenceNumber": sequence_number,
                "endSequenceNumber": sequence_number,
                "batchSize": 1,
            },
        }
        self._sqs.send_message(QueueUrl=self._dead_letter_url, MessageBody=json.dumps(failure))
        print(
            f"notification failed {attempts} times; record {sequence_number} is in the dead-letter queue"
            f" {DEAD_LETTER_QUEUE} (the enquiry itself is stored)",
            flush=True,
        )


class StreamPoller:
    """The table stream's two readers, as the stack has them: the notify function and the search indexer."""

    def __init__(self, table_name: str) -> None:
        self._triggers = [
            StreamTrigger(table_name, NOTIFY_HANDLER, DEAD_LETTER_QUEUE),
            StreamTrigger(table_name, INDEXER_HANDLER, INDEX_DEAD_LETTER_QUEUE),
        ]

    def start(self) -> None:
        notify = self._triggers[0].load()
        self._triggers[1].load()
        if notify.ses is not None:
            notify.ses.meta.events.register("before-parameter-build.sesv2.SendEmail", note_email)
            notify.ses.meta.events.register("after-call.sesv2.SendEmail", print_sent_email)
        for trigger in self._triggers:
            trigger.start()

    def stop(self) -> None:
        for trigger in self._triggers:
            trigger.stop()

    @property
    def notify_handler(self) -> Any:
        """The notify function's handler, as loaded with the runner's environment."""
        return self._triggers[0].handler
