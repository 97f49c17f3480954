"""ExportFiles: the owner's exports (handlers/export_record.py): a private bucket whose files are deleted after a
day, and the function that writes them, continuing itself until an export of any size is done."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import pulumi
import pulumi_aws as aws

from components.function import FunctionSizing, HandlerFunction, HandlerFunctionArgs, allow, table_statement
from components.private_bucket import deny_plain_http, private_bucket
from components.search_index import IndexTableArgs, index_statements
from declarations.export_spec import KEEP_DAYS, WRITER_HANDLER, WRITER_TIMEOUT_SECONDS
from declarations.routes import INDEX_READ_ACTIONS, SEARCH_ACTIONS
from handlers import env_names as env
from handlers import index_schema as xs
from handlers.export_record import PREFIX

# The writer's rights on the bucket: its record and kept rows (get, put), the file's parts (put, list, abort),
# and ListBucket, so that a record that is not there reads as missing (404) rather than forbidden (403).
WRITER_ACTIONS = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
    "s3:ListBucket",
)


@dataclass(frozen=True)
class ExportFilesArgs:
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    sizing: FunctionSizing  # the stack's; the writer keeps its memory and log retention, with a timeout of its own
    search_index: IndexTableArgs  # an export of a search reads it as the search does


def export_statements(
    actions: tuple[str, ...], bucket_arn: pulumi.Input[str], function_arn: pulumi.Input[str] | None = None
) -> list[pulumi.Output[dict[str, Any]]]:
    """`actions` on exactly their resources: S3's object actions on the exports' files, s3:ListBucket on the bucket,
    lambda:InvokeFunction on the writer (`function_arn`)."""
    bucket = pulumi.Output.from_input(bucket_arn)
    objects = [a for a in actions if a.startswith("s3:") and a != "s3:ListBucket"]
    statements = []
    if objects:
        statements.append(bucket.apply(lambda arn: allow(objects, f"{arn}/{PREFIX}*")))
    if "s3:ListBucket" in actions:
        statements.append(bucket.apply(lambda arn: allow(["s3:ListBucket"], arn)))
    if "lambda:InvokeFunction" in actions:
        if function_arn is None:
            raise ValueError("lambda:InvokeFunction needs the writer's ARN")
        statements.append(
            pulumi.Output.from_input(function_arn).apply(lambda arn: allow(["lambda:InvokeFunction"], arn))
        )
    return statements


class ExportFiles(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ExportFilesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:ExportFiles", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket, public_access = private_bucket(name, self)
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="delete-exports-after-a-day",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=PREFIX),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=KEEP_DAYS),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=KEEP_DAYS
                    ),
                )
            ],
            opts=child,
        )
        aws.s3.BucketPolicy(
            name,
            bucket=bucket.id,
            policy=bucket.arn.apply(
                lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [deny_plain_http(arn)]})
            ),
            # S3 refuses a bucket policy while the public access block is being applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )
        reads = pulumi.Output.from_input(args.table_arn).apply(lambda arn: table_statement(SEARCH_ACTIONS, arn))
        writer = HandlerFunction(
            f"{name}-writer",
            HandlerFunctionArgs(
                handler=WRITER_HANDLER,
                sizing=replace(args.sizing, timeout_seconds=WRITER_TIMEOUT_SECONDS),
                statements=[
                    reads,
                    *index_statements(INDEX_READ_ACTIONS, args.search_index),
                    *export_statements(WRITER_ACTIONS, bucket.arn),
                ],
                environment={
                    env.TABLE_NAME: args.table_name,
                    env.EXPORT_BUCKET: bucket.id,
                    xs.INDEX_TABLE: args.search_index.name,
                },
            ),
            opts=child,
        )
        # The writer invokes itself to go on: a right that names the function, so granted once it exists.
        aws.iam.RolePolicy(
            f"{name}-writer-continues",
            role=writer.role_name,
            policy=writer.arn.apply(
                lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [allow(["lambda:InvokeFunction"], arn)]})
            ),
            opts=child,
        )
        # A run that times out is retried with the same event (it goes on from the saved record); an hour later
        # the dashboard has long reported the export as stopped.
        aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-writer",
            function_name=writer.name,
            maximum_retry_attempts=2,
            maximum_event_age_in_seconds=3600,
            opts=child,
        )
        self.bucket_name = bucket.id
        self.bucket_arn = bucket.arn
        self.function_name = writer.name
        self.function_arn = writer.arn
        self.register_outputs({"bucket_name": self.bucket_name, "function_name": self.function_name})
