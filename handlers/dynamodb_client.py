"""The DynamoDB client and table name, made once per Lambda container from the environment."""

from __future__ import annotations

import gc
import os

import boto3
import botocore.config

import env_names as env

# Worst case 2 x (1 s + 2 s) plus one backoff of at most 1 s: within the shortest function timeout (8 s), so a
# stuck DynamoDB is a clean 503 with a request id, not a Lambda timeout.
BOTO_CONFIG = botocore.config.Config(
    retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=1, read_timeout=2
)
TABLE_NAME = os.environ[env.TABLE_NAME]  # set by the stack; fail at start without it
RETENTION_DAYS = int(os.environ.get(env.RETENTION_DAYS, "0"))
SPAM_RETENTION_DAYS = int(os.environ.get(env.SPAM_RETENTION_DAYS, "0"))
dynamodb = boto3.client("dynamodb", config=BOTO_CONFIG)
gc.freeze()  # boto3's objects live as long as the container: collections skip them
