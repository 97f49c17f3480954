"""Fixtures of the handler tests: a fresh submissions table per test, and the contact handler module."""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable, Iterator

import pytest

from local.emulator import (
    COUNTERS_TABLE,
    INDEX_TABLE,
    TABLE_NAME,
    create_counters_table_request,
    create_index_table_request,
    create_table_request,
)
from local.stream_poller import StreamReader
from tests.support.handler_events import Store


@pytest.fixture
def store(emulator: object) -> Iterator[Store]:
    s = Store()
    s.client.delete_table(TableName=TABLE_NAME)
    s.client.create_table(**create_table_request(TABLE_NAME))
    s.client.delete_table(TableName=COUNTERS_TABLE)  # each test's visitors start the hour with no posts
    s.client.create_table(**create_counters_table_request(COUNTERS_TABLE))
    s.client.delete_table(TableName=INDEX_TABLE)
    s.client.create_table(**create_index_table_request(INDEX_TABLE))
    yield s


@pytest.fixture
def owner(store: Store) -> types.ModuleType:
    """The owner routes' module, imported once the emulator's environment is in place."""
    return importlib.import_module("owner")


@pytest.fixture
def search(store: Store) -> types.ModuleType:
    return importlib.import_module("search")


@pytest.fixture
def index_now(store: Store) -> Callable[[], int]:
    """Hands the table stream's new records to the search indexer, as its trigger would, and returns how many: the
    search index then holds every change made so far."""
    reader = StreamReader(TABLE_NAME)
    indexer = importlib.import_module("indexer")

    def deliver() -> int:
        records = reader.read()
        assert indexer.handler({"Records": records}, None) == {"batchItemFailures": []}
        return len(records)

    return deliver


@pytest.fixture
def contact(store: Store) -> types.ModuleType:
    """The contact handler module, imported once the emulator's environment is in place."""
    return importlib.import_module("contact")
