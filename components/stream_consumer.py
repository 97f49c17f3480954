"""What every reader of the submissions table's stream has (the notify function, the search indexer): a dead-letter
queue for the records it gives up on, the rights to read the stream and fill that queue, and the trigger itself."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from declarations.stream_trigger_spec import MAX_RETRIES

DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's longest


def dead_letter_queue(name: str, opts: pulumi.ResourceOptions) -> aws.sqs.Queue:
    """Where a record's place in the stream goes after MAX_RETRIES failures (Lambda's on-failure destination)."""
    return aws.sqs.Queue(
        f"{name}-dead-letters",
        sqs_managed_sse_enabled=True,
        message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
        opts=opts,
    )


def stream_statements(
    stream_arn: pulumi.Input[str], dead_letters_arn: pulumi.Output[str]
) -> list[pulumi.Input[dict[str, Any]]]:
    return [
        pulumi.Output.from_input(stream_arn).apply(
            lambda arn: {
                "Effect": "Allow",
                "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                "Resource": arn,
            }
        ),
        # ListStreams has no resource-level permissions: AWS requires "*".
        {"Effect": "Allow", "Action": ["dynamodb:ListStreams"], "Resource": "*"},
        dead_letters_arn.apply(lambda arn: {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": arn}),
    ]


def stream_trigger(
    name: str,
    stream_arn: pulumi.Input[str],
    function_arn: pulumi.Output[str],
    patterns: tuple[dict[str, Any], ...],
    dead_letters_arn: pulumi.Output[str],
    opts: pulumi.ResourceOptions,
) -> aws.lambda_.EventSourceMapping:
    """The stream invoking the function with the records one of `patterns` matches, in batches; a failed record is
    retried (the function reports it, bisecting finds it) MAX_RETRIES times, then dead-lettered."""
    return aws.lambda_.EventSourceMapping(
        f"{name}-stream",
        event_source_arn=stream_arn,
        function_name=function_arn,
        starting_position="LATEST",
        batch_size=10,
        maximum_retry_attempts=MAX_RETRIES,
        bisect_batch_on_function_error=True,
        function_response_types=["ReportBatchItemFailures"],
        filter_criteria=aws.lambda_.EventSourceMappingFilterCriteriaArgs(
            filters=[aws.lambda_.EventSourceMappingFilterCriteriaFilterArgs(pattern=json.dumps(p)) for p in patterns]
        ),
        destination_config=aws.lambda_.EventSourceMappingDestinationConfigArgs(
            on_failure=aws.lambda_.EventSourceMappingDestinationConfigOnFailureArgs(destination_arn=dead_letters_arn)
        ),
        opts=opts,
    )
