"""GET /api/submissions/daily against moto: a count per day in the caller's zone, spam left out, none missed at
the days' edges, the counting deadline reported, and bad parameters named."""

from __future__ import annotations

import importlib
import json
import types
from datetime import UTC, datetime, timedelta

import pytest

from local.emulator import TABLE_NAME
from tests.support.handler_events import Store, owner_event, valid_fields
from view_limits import MAX_DAYS, MAX_OFFSET_MINUTES

PATH = "/api/submissions/daily"


@pytest.fixture
def daily(store: Store) -> types.ModuleType:
    return importlib.import_module("daily_counts")


def put(store: Store, created_at: str, status: str = "new") -> None:
    """An enquiry stored as the contact handler stores it, at a chosen time."""
    submission_writes = importlib.import_module("submission_writes")
    item = submission_writes.new_item(
        f"00000000-0000-4000-8000-{len(store.items()):012d}", valid_fields(), "honeypot" if status == "spam" else "", 0
    )
    item["created_at"] = created_at
    submission_writes.put_new(store.client, TABLE_NAME, item)


def counts(daily: types.ModuleType, **query: str) -> dict:
    response = daily.handler(owner_event("GET", PATH, query), None)
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_each_day_counts_its_enquiries_and_no_spam(daily, store: Store) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    for back, how_many in ((0, 3), (1, 1), (6, 2)):
        for _ in range(how_many):
            put(store, iso(today - timedelta(days=back)))
    put(store, iso(today), status="spam")
    put(store, iso(today - timedelta(days=7)))  # outside a 7-day window
    body = counts(daily, days="7")
    assert [d["count"] for d in body["days"]] == [2, 0, 0, 0, 0, 1, 3] and body["complete"] is True
    assert body["days"][-1]["date"] == today.date().isoformat()
    assert len(counts(daily)["days"]) == 30, "30 days by default"


def test_days_follow_the_callers_zone_and_nothing_is_lost_at_midnight(daily, store: Store) -> None:
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    put(store, iso(midnight - timedelta(milliseconds=1)))  # yesterday's last millisecond in UTC
    put(store, iso(midnight))  # today's first
    assert [d["count"] for d in counts(daily, days="2")["days"]] == [1, 1]
    # At UTC+02:00 both are on the same local day (01:59:59.999 and 02:00 on the local date of `midnight`).
    east = counts(daily, days="2", offset="120")["days"]
    assert sorted(d["count"] for d in east) == [0, 2], "one local day holds both"
    assert sum(d["count"] for d in counts(daily, days="3", offset="-600")["days"]) == 2


def test_a_count_that_runs_out_of_time_says_so(daily, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    put(store, iso(datetime.now(UTC)))
    monkeypatch.setattr(daily, "COUNT_SECONDS", -1)
    body = counts(daily, days="3")
    assert body["complete"] is False and [d["count"] for d in body["days"]] == [0, 0, 0]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"days": "0"}, "days"),
        ({"days": str(MAX_DAYS + 1)}, "days"),
        ({"days": "x"}, "days"),
        ({"offset": str(MAX_OFFSET_MINUTES + 1)}, "offset"),
        ({"offset": "--5"}, "offset"),
        ({"offset": "1.5"}, "offset"),
        ({"days": "9" * 5000}, "days"),  # int() refuses past 4,300 digits: a 400, never a 500
    ],
)
def test_bad_parameters_are_400_naming_them(daily, store: Store, query: dict, field: str) -> None:
    response = daily.handler(owner_event("GET", PATH, query), None)
    assert response["statusCode"] == 400 and field in json.loads(response["body"])["error"]["fields"]
