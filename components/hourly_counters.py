"""HourlyCounters: the DynamoDB table of counts per clock hour: contact posts per visitor, emails to the owner.
Apart from the enquiries, so a right to count here is no right to change an enquiry; its items expire by TTL."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from handlers import table_schema as ts


class HourlyCounters(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:HourlyCounters", name, None, opts)
        table = aws.dynamodb.Table(
            name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=ts.COUNTER_KEY,
            attributes=[aws.dynamodb.TableAttributeArgs(name=ts.COUNTER_KEY, type="S")],
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            # Addresses are personal data: each item goes once its hour (and a margin) is over.
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=ts.EXPIRES_AT, enabled=True),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = table.name
        self.arn = table.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
