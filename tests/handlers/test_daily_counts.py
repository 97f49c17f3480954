"""GET /api/submissions/daily against moto: a count per day in the caller's zone, spam left out, none missed at
the days' edges, the counting deadline reported, and bad parameters named."""

from __future__ import annotations

import importlib
import json
import types
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from local.emulator import TABLE_NAME
from tests.support.handler_events import Store, owner_event, valid_fields
from view_limits import MAX_DAYS

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
    item["created_at"] = {"S": created_at}
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


def local_query(zone: str, first: date, days: int) -> dict[str, str]:
    """What the dashboard sends from a browser in `zone`: each local midnight from `first` on, and the next."""
    midnights = [datetime.combine(first + timedelta(days=n), time(), ZoneInfo(zone)) for n in range(days + 1)]
    return {"starts": ",".join(str(int(m.timestamp())) for m in midnights), "from": first.isoformat()}


def local(zone: str, day: date, clock: time) -> str:
    return iso(datetime.combine(day, clock, ZoneInfo(zone)).astimezone(UTC))


def test_nothing_is_lost_at_midnight(daily, store: Store) -> None:
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    put(store, iso(midnight - timedelta(milliseconds=1)))  # yesterday's last millisecond in UTC
    put(store, iso(midnight))  # today's first
    assert [d["count"] for d in counts(daily, days="2")["days"]] == [1, 1]
    # Two local days at UTC+02:00 holding the UTC midnight: both on the day it falls in.
    first = (midnight - timedelta(days=1)).date()
    starts = [
        int((datetime.combine(first + timedelta(days=n), time(), UTC) - timedelta(hours=2)).timestamp())
        for n in range(3)
    ]
    body = counts(daily, starts=",".join(map(str, starts)), **{"from": first.isoformat()})
    assert [d["count"] for d in body["days"]] == [0, 2]


@pytest.mark.parametrize(
    ("zone", "change", "times"),
    [
        # Summer time begins (2026-03-29: 23 hours) and ends (2026-10-25: 25 hours) in Berlin.
        ("Europe/Berlin", date(2026, 3, 29), [time(0, 30), time(1, 59), time(3, 0), time(23, 59)]),
        ("Europe/Berlin", date(2026, 10, 25), [time(0, 30), time(2, 30), time(23, 30)]),
        # Lord Howe Island moves its clocks by half an hour (2026-04-05), from UTC+11 to UTC+10:30.
        ("Australia/Lord_Howe", date(2026, 4, 5), [time(0, 15), time(1, 45), time(23, 50)]),
        # Sao Paulo keeps UTC-3 all year: its midnights are UTC's 03:00.
        ("America/Sao_Paulo", date(2026, 11, 1), [time(0, 0), time(20, 59), time(23, 59, 59)]),
    ],
)
def test_each_enquiry_counts_on_its_local_day_across_daylight_saving(
    daily, store: Store, zone: str, change: date, times: list[time]
) -> None:
    """An enquiry just after a local midnight, viewed from the other side of a clock change, stays on its day."""
    before, after = change - timedelta(days=1), change + timedelta(days=1)
    for day in (before, change, after):
        for clock in times:
            put(store, local(zone, day, clock))
    body = counts(daily, **local_query(zone, before - timedelta(days=1), 5))
    assert [d["date"] for d in body["days"]] == [(before + timedelta(days=n - 1)).isoformat() for n in range(5)]
    assert [d["count"] for d in body["days"]] == [0, len(times), len(times), len(times), 0]


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
        ({"starts": "1774738800", "from": "2026-03-29"}, "starts"),  # a start without an end
        ({"starts": "1774738800,1774825200,1774738800", "from": "2026-03-29"}, "starts"),  # back in time
        ({"starts": "1774738800,1774738801", "from": "2026-03-29"}, "starts"),  # a one-second day
        ({"starts": "1774738800,1774832400", "from": "2026-03-29"}, "starts"),  # 26 hours
        (
            {"starts": ",".join(str(1774738800 + 86400 * n) for n in range(MAX_DAYS + 2)), "from": "2026-03-29"},
            "starts",
        ),
        ({"starts": "1774738800,x", "from": "2026-03-29"}, "starts"),
        ({"starts": "1774738800,1774825200", "from": "29/03/2026"}, "from"),
        ({"starts": "1774738800,1774825200"}, "from"),
        ({"starts": "1774738800,1774825200", "from": "2026-02-30"}, "from"),
        ({"days": "9" * 5000}, "days"),  # int() refuses past 4,300 digits: a 400, never a 500
    ],
)
def test_bad_parameters_are_400_naming_them(daily, store: Store, query: dict, field: str) -> None:
    response = daily.handler(owner_event("GET", PATH, query), None)
    assert response["statusCode"] == 400 and field in json.loads(response["body"])["error"]["fields"]
