"""SubmissionsTable: the DynamoDB table that holds every contact submission as its own item."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from declarations import table_spec
from handlers import table_schema as ts


@dataclass(frozen=True)
class SubmissionsTableArgs:
    protect_data: bool  # deletion protection, point-in-time recovery and Pulumi `protect`


class SubmissionsTable(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    stream_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SubmissionsTableArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:SubmissionsTable", name, None, opts)
        table = aws.dynamodb.Table(
            name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=ts.HASH_KEY,
            attributes=[aws.dynamodb.TableAttributeArgs(name=n, type=t) for n, t in table_spec.ATTRIBUTES.items()],
            global_secondary_indexes=[
                aws.dynamodb.TableGlobalSecondaryIndexArgs(
                    name=index,
                    key_schemas=[
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(attribute_name=hash_key, key_type="HASH"),
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(attribute_name=range_key, key_type="RANGE"),
                    ],
                    projection_type=table_spec.projection(index),
                    non_key_attributes=table_spec.non_key_attributes(index),
                )
                for index, (hash_key, range_key) in table_spec.INDEXES.items()
            ],
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=ts.EXPIRES_AT, enabled=True),
            stream_enabled=True,
            stream_view_type=table_spec.STREAM_VIEW_TYPE,
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=args.protect_data),
            deletion_protection_enabled=args.protect_data,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect_data),
        )
        self.name = table.name
        self.arn = table.arn
        self.stream_arn = table.stream_arn
        self.register_outputs({"name": self.name, "arn": self.arn})
