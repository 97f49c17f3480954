"""SearchIndex: the owner's search index (handlers/word_index.py), a DynamoDB table of each enquiry's words kept by
a function of its own on the table's stream (handlers/indexer.py): its second reader, beside the notify function."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.function import FunctionSizing, HandlerFunction, HandlerFunctionArgs, allow, table_statement
from components.stream_consumer import dead_letter_queue, stream_statements, stream_trigger
from declarations.routes import INDEX_WRITE_ACTIONS
from declarations.stream_trigger_spec import INDEX_FILTERS, INDEXER_HANDLER
from handlers import env_names as env
from handlers import index_schema as xs
from handlers import table_schema as ts


@dataclass(frozen=True)
class SearchIndexArgs:
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    table_stream_arn: pulumi.Input[str]
    sizing: FunctionSizing


@dataclass(frozen=True)
class IndexTableArgs:
    """The search index's table, for the functions that read it or remove entries from it."""

    name: pulumi.Input[str]
    arn: pulumi.Input[str]


def index_statements(actions: tuple[str, ...], index: IndexTableArgs) -> list[pulumi.Output[dict[str, Any]]]:
    """`actions` on the index table, none when there are none."""
    if not actions:
        return []
    return [pulumi.Output.from_input(index.arn).apply(lambda arn: allow(list(actions), arn))]


class SearchIndex(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    function_name: pulumi.Output[str]
    dead_letter_queue_name: pulumi.Output[str]

    def __init__(self, name: str, args: SearchIndexArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:SearchIndex", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        table = aws.dynamodb.Table(
            name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=xs.WORD,
            range_key=xs.ENTRY,
            attributes=[aws.dynamodb.TableAttributeArgs(name=n, type="S") for n in (xs.WORD, xs.ENTRY)],
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            # Each entry carries its enquiry's expiry: the words go when the enquiry does.
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=ts.EXPIRES_AT, enabled=True),
            opts=child,
        )
        logical = f"{name}-indexer"
        dead_letters = dead_letter_queue(logical, child)
        statements = [
            *stream_statements(args.table_stream_arn, dead_letters.arn),
            # The enquiry as it is now (indexer.py reads it rather than trusting a late record).
            pulumi.Output.from_input(args.table_arn).apply(lambda arn: table_statement(("dynamodb:GetItem",), arn)),
            *index_statements(INDEX_WRITE_ACTIONS, IndexTableArgs(table.name, table.arn)),
        ]
        function = HandlerFunction(
            logical,
            HandlerFunctionArgs(
                handler=INDEXER_HANDLER,
                sizing=args.sizing,
                statements=statements,
                environment={env.TABLE_NAME: args.table_name, xs.INDEX_TABLE: table.name},
            ),
            opts=child,
        )
        stream_trigger(logical, args.table_stream_arn, function.arn, INDEX_FILTERS, dead_letters.arn, child)
        self.name, self.arn = table.name, table.arn
        self.function_name = function.name
        self.dead_letter_queue_name = dead_letters.name
        self.register_outputs({"name": self.name, "arn": self.arn})
