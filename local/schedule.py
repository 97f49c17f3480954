"""A stand-in for the stack's EventBridge rule that invokes the notify function at five past every hour (its
digest of the hour before). POST /__local/schedule {"time": "2026-12-05T15:05:00Z"} fires it as at that time: the
clock a test injects, as EventBridge's event carries the time the rule fired."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from declarations.stream_trigger_spec import DIGEST_MINUTE

PATH = "/__local/schedule"
logger = logging.getLogger("ctd.local.schedule")


def scheduled_event(moment: datetime) -> dict[str, Any]:
    """The event EventBridge hands a rule's Lambda target (its documented "Scheduled Event" shape)."""
    return {
        "version": "0",
        "id": "local",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:000000000000:rule/ctd-local-digest"],
        "detail": {},
    }


class HourlySchedule:
    def __init__(self, handler: Any) -> None:
        self._handler = handler
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedule", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def fire(self, moment: datetime) -> None:
        self._handler(scheduled_event(moment), None)

    def _run(self) -> None:
        while True:
            now = time.time()
            next_run = (now // 3600) * 3600 + DIGEST_MINUTE * 60
            if next_run <= now:
                next_run += 3600
            if self._stop.wait(next_run - now):
                return
            try:
                self.fire(datetime.fromtimestamp(next_run, UTC))
            except Exception:
                logger.exception("the hourly digest failed; the next hour tries its own")

    def apply(self, content_type: str, body: bytes) -> tuple[int, dict[str, str]]:
        """Fire as at the posted time; 400 naming what is wrong otherwise."""
        if not content_type.startswith("application/json"):
            return 400, {"error": 'send JSON: {"time": "2026-12-05T15:05:00Z"}'}
        try:
            sent = json.loads(body)
            moment = datetime.fromisoformat(sent["time"])
        except (ValueError, KeyError, TypeError):
            return 400, {"error": '"time" must be an ISO 8601 time with its zone, like "2026-12-05T15:05:00Z"'}
        if moment.tzinfo is None:
            return 400, {"error": '"time" must name its zone (Z or +00:00)'}
        self.fire(moment)
        return 200, {"fired": scheduled_event(moment)["time"]}
