"""Fixtures of the handler tests: a fresh submissions table per test, and the contact handler module."""

from __future__ import annotations

import importlib
import types
from collections.abc import Iterator

import pytest

from local.emulator import COUNTERS_TABLE, TABLE_NAME, create_counters_table_request, create_table_request
from tests.support.handler_events import Store


@pytest.fixture
def store(emulator: object) -> Iterator[Store]:
    s = Store()
    s.client.delete_table(TableName=TABLE_NAME)
    s.client.create_table(**create_table_request(TABLE_NAME))
    s.client.delete_table(TableName=COUNTERS_TABLE)  # each test's visitors start the hour with no posts
    s.client.create_table(**create_counters_table_request(COUNTERS_TABLE))
    yield s


@pytest.fixture
def contact(store: Store) -> types.ModuleType:
    """The contact handler module, imported once the emulator's environment is in place."""
    return importlib.import_module("contact")
