"""The DynamoDB client and table name, made once per Lambda container from the environment."""

from __future__ import annotations

import os

import boto3
import botocore.config

# Bounded retries and timeouts that fit well inside the function's timeout, so a slow
# DynamoDB turns into a clean 503 rather than a Lambda timeout (a 502 at the gateway).
BOTO_CONFIG = botocore.config.Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=3)
TABLE_NAME = os.environ.get("TABLE_NAME", "")
RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "0"))
dynamodb = boto3.client("dynamodb", config=BOTO_CONFIG)
