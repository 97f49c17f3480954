"""What `make dev` keeps across restarts, in one folder: the stored enquiries and the owner's chosen password.

moto holds everything in memory, so the runner writes the table's items and the owner's password to the folder
while it runs and when it stops, and the next start puts them back before the site takes a request."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from moto.backends import get_backend
from moto.core.models import DEFAULT_ACCOUNT_ID

SUBMISSIONS_FILE = "submissions.json"
OWNER_FILE = "owner.json"
SAVE_EVERY_SECONDS = 5
BATCH_WRITE_LIMIT = 25  # DynamoDB's BatchWriteItem takes at most 25 puts


@dataclass(frozen=True)
class SavedData:
    items: list[dict[str, Any]]  # DynamoDB JSON, as Scan returns it
    owner_password: str  # "" until the owner has replaced the temporary password


def load(folder: Path) -> SavedData:
    """What an earlier run kept in `folder`; nothing when it holds nothing yet."""
    items = _read(folder / SUBMISSIONS_FILE, [])
    owner = _read(folder / OWNER_FILE, {})
    return SavedData(items, str(owner.get("password", "")))


def _read(path: Path, empty: Any) -> Any:
    if not path.exists():
        return empty
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise SystemExit(f"{path} cannot be read ({error}); `make reset` starts afresh") from None


def _write(path: Path, value: Any) -> None:
    """Atomically and readable by this user only: the owner's password is in one of these files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(value, file)
    os.replace(temporary, path)


def table_items(table: str) -> list[dict[str, Any]]:
    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return [item for page in pages for item in page["Items"]]


def restore_items(table: str, items: list[dict[str, Any]]) -> None:
    client = boto3.client("dynamodb")
    for start in range(0, len(items), BATCH_WRITE_LIMIT):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_LIMIT]]
        client.batch_write_item(RequestItems={table: batch})


def chosen_password(region: str, pool_id: str, username: str) -> str:
    """The owner's password once they have chosen it; "" while the temporary one stands.

    Read from moto's own user record: Cognito's API never returns a password, and this is moto in this process."""
    user = get_backend("cognito-idp")[DEFAULT_ACCOUNT_ID][region].admin_get_user(pool_id, username)
    return str(user.password) if user.status == "CONFIRMED" else ""


class Keeper:
    """Writes the table and the owner's password to `folder` every few seconds while the site runs, and on stop."""

    def __init__(self, folder: Path, table: str, region: str, pool_id: str, owner: str) -> None:
        self._folder, self._table, self._region, self._pool_id, self._owner = folder, table, region, pool_id, owner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="keeper", daemon=True)
        self._last: tuple[list[dict[str, Any]], dict[str, str]] | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.save()

    def _run(self) -> None:
        while not self._stop.wait(SAVE_EVERY_SECONDS):
            self.save()

    def save(self) -> None:
        kept = (table_items(self._table), {"password": chosen_password(self._region, self._pool_id, self._owner)})
        if kept == self._last:
            return
        _write(self._folder / SUBMISSIONS_FILE, kept[0])
        _write(self._folder / OWNER_FILE, kept[1])
        self._last = kept
