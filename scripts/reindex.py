"""Index every enquiry a table holds into its search index: once after the first deploy of a stack that already has
enquiries (the indexer only sees changes made after it exists), and by make dev for the enquiries it kept.

    python -m scripts.reindex <submissions table> <search index table>

The names are the stack's outputs `table_name` and `search_index_table_name`; AWS credentials as for the AWS CLI. It
writes what the indexer would (word_index.py), so running it twice, or beside the indexer, changes nothing more."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import boto3

from local import lambda_task_root


def reindex(client: Any, table: str, index_table: str) -> int:
    """Index every enquiry of `table` that is not spam; returns how many."""
    lambda_task_root.enter()  # the handlers' modules, as the indexer imports them
    word_index, words, stored = map(importlib.import_module, ("word_index", "enquiry_words", "stored_items"))
    indexed = 0
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in map(stored.from_item, page["Items"]):
            if words.is_searchable(item):
                word_index.write(client, index_table, item, *words.indexed_words(item))
                indexed += 1
    return indexed


def main(arguments: list[str]) -> int:
    if len(arguments) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"indexed {reindex(boto3.client('dynamodb'), *arguments)} enquiries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
