"""The search index as declared, for each stack: its table (encrypted, entries expiring with their enquiries), the
indexer as the stream's second reader with its own retries and dead letters, and exactly its rights."""

from __future__ import annotations

import json

from declarations.stream_trigger_spec import INDEX_FILTERS
from tests.support.mocked_program import Program

INDEXER = "search-index-indexer"


def test_the_index_table_is_encrypted_and_its_entries_expire_with_their_enquiries(program: Program) -> None:
    table = program.one("aws:dynamodb/table:Table", "search-index").inputs
    assert table["billingMode"] == "PAY_PER_REQUEST" and table["serverSideEncryption"] == {"enabled": True}
    assert (table["hashKey"], table["rangeKey"]) == ("word", "entry")
    assert table["ttl"] == {"attributeName": "expires_at", "enabled": True}
    assert "streamEnabled" not in table or table["streamEnabled"] is False, "nothing reads the index's changes"


def test_the_indexer_is_the_streams_second_reader_with_retries_and_dead_letters(program: Program) -> None:
    mappings = {m.name: m.inputs for m in program.of_type("aws:lambda/eventSourceMapping:EventSourceMapping")}
    assert len(mappings) <= 2, "a DynamoDB stream serves two readers per shard without throttling"
    mapping = mappings[f"{INDEXER}-stream"]
    table = program.one("aws:dynamodb/table:Table", "submissions")
    queue = program.one("aws:sqs/queue:Queue", f"{INDEXER}-dead-letters")
    assert mapping["eventSourceArn"] == table.outputs["streamArn"]
    assert mapping["functionName"] == program.one("aws:lambda/function:Function", INDEXER).outputs["arn"]
    assert mapping["functionResponseTypes"] == ["ReportBatchItemFailures"] and mapping["maximumRetryAttempts"] >= 1
    assert mapping["destinationConfig"]["onFailure"]["destinationArn"] == queue.outputs["arn"]
    assert [json.loads(f["pattern"]) for f in mapping["filterCriteria"]["filters"]] == list(INDEX_FILTERS)
    assert queue.inputs["sqsManagedSseEnabled"] is True


def test_the_indexer_may_read_an_enquiry_and_write_the_index_only(program: Program) -> None:
    (policy,) = [p for p in program.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == f"{INDEXER}-policy"]
    table = program.one("aws:dynamodb/table:Table", "submissions").outputs
    index = program.one("aws:dynamodb/table:Table", "search-index").outputs["arn"]
    queue = program.one("aws:sqs/queue:Queue", f"{INDEXER}-dead-letters").outputs["arn"]
    grants = [
        (s["Action"], s["Resource"])
        for s in json.loads(policy.inputs["policy"])["Statement"]
        if not s["Action"][0].startswith(("logs:", "xray:"))
    ]
    assert grants == [
        (["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], table["streamArn"]),
        (["dynamodb:ListStreams"], "*"),
        (["sqs:SendMessage"], queue),
        (["dynamodb:GetItem"], [table["arn"]]),
        (["dynamodb:GetItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem"], [index]),
    ]
