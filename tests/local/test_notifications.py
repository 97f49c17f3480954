"""The runner's stand-in for the notify function's stream trigger: each new enquiry's email is printed; when SES
refuses, the record is retried, then its details go to the dead-letter queue, and nothing stored is lost."""

from __future__ import annotations

import email
import email.policy
import json
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from local import owner_session
from local.background import Runner, start_runner
from local.stream_poller import DEAD_LETTER_QUEUE
from tests.support.http import request


class Output:
    """The runner's standard output, line by line, waited on with a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, seconds: float) -> list[str]:
        """Lines up to and including the first that contains `text`."""
        seen: list[str] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                seen.append(self.lines.get(timeout=deadline - time.monotonic()))
            except queue.Empty:
                break
            if text in seen[-1]:
                return seen
        raise AssertionError(f"no line with {text!r} within {seconds} s; saw {seen}")

    def drain(self) -> list[str]:
        """Every line printed so far and not yet read."""
        lines = []
        while not self.lines.empty():
            lines.append(self.lines.get_nowait())
        return lines


@pytest.fixture
def started() -> Iterator[tuple[Runner, Output]]:
    process, runner = start_runner()
    try:
        yield runner, Output(process)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def post_json(url: str, payload: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = request(url, json.dumps(payload).encode(), "application/json", method="POST")
    return response.status, json.load(response)


def enquiry(first_name: str) -> dict[str, object]:
    return {"first_name": first_name, "last_name": "Lovelace", "email": "ada@example.com", "message": "Hello"}


def test_a_refused_email_is_retried_then_dead_lettered_and_the_enquiry_kept(started: tuple[Runner, Output]) -> None:
    site, output = started
    assert post_json(site.url + "/__local/faults", {"email": "rejected"}) == (
        200,
        {"dynamodb": "ok", "email": "rejected"},
    )
    assert post_json(site.url + "/api/contact", enquiry("Refused"))[0] == 201

    before = output.wait_for("dead-letter queue", seconds=30)
    assert "notification failed 6 times" in before[-1]  # the first try and MAX_RETRIES (5) retries
    assert not any(line.startswith("email sent") for line in before)

    config = owner_session.page_config(site.url)  # the runner's moto endpoint, as the page reaches Cognito
    sqs = boto3.client("sqs", endpoint_url=config["cognitoEndpoint"], region_name=config["region"],
                       aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
    url = sqs.get_queue_url(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert len(messages) == 1
    failure = json.loads(messages[0]["Body"])
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 1 and "Refused" not in messages[0]["Body"]

    # SES works again: the next enquiry is emailed, and both are stored.
    assert post_json(site.url + "/__local/faults", {"email": "ok"})[0] == 200
    assert post_json(site.url + "/api/contact", enquiry("Delivered"))[0] == 201
    assert "email sent to owner@example.com" in output.wait_for("email sent", seconds=15)[-1]
    kept = Path(output.wait_for("kept as", seconds=5)[-1].split("kept as ", 1)[1].strip())
    delivered = email.message_from_bytes(kept.read_bytes(), policy=email.policy.default)
    assert delivered["Reply-To"].addresses[0].addr_spec == "ada@example.com"
    assert str(delivered["Subject"]) == "New enquiry from Delivered Lovelace"
    assert delivered["From"].addresses[0].addr_spec == "notifications@example.com"  # the mail domain's sender
    assert delivered["X-SES-CONFIGURATION-SET"] == "ctd-local-mail"
    token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
    stored = sorted(item["first_name"] for item in owner_session.all_submissions(site.url, token))
    assert stored == ["Delivered", "Refused"]


@pytest.mark.parametrize(
    "body", [{"email": "sometimes"}, {"disk": "full"}, {}, ["email", "rejected"], "rejected"], ids=repr
)
def test_a_fault_request_it_cannot_follow_is_refused_by_name(runner: Runner, body: object) -> None:
    status, answer = post_json(runner.url + "/__local/faults", body)  # type: ignore[arg-type]
    assert status == 400
    assert '"email": "ok" or "rejected"' in str(answer["error"]) and '"dynamodb"' in str(answer["error"])
