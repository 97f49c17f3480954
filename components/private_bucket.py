"""A bucket nobody outside the stack reaches: every public access blocked, ACLs off, encrypted at rest, and (through
deny_plain_http in its policy) TLS only. The site's pages and the owner's exports each live in one."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws


def private_bucket(name: str, parent: pulumi.Resource) -> tuple[aws.s3.Bucket, aws.s3.BucketPublicAccessBlock]:
    """The bucket and its public access block (a bucket policy must wait for the block)."""
    child = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(name, opts=child)
    public_access = aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(
        name,
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        bucket=bucket.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"
                )
            )
        ],
        opts=child,
    )
    return bucket, public_access


def deny_plain_http(bucket_arn: str) -> dict[str, Any]:
    """The bucket policy statement that refuses every request made without TLS."""
    return {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
