"""moto on loopback, with the stack's resources created from the same declarations as the components."""

from __future__ import annotations

import os
import socket

import boto3
from moto.server import ThreadedMotoServer

import components  # noqa: F401  (puts handlers/ on sys.path)
import table_schema

REGION = "eu-west-1"
TABLE_NAME = "ctd-local-submissions"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Emulator:
    """Starts moto and points every boto3 client in this process at it through AWS_ENDPOINT_URL."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self, retention_days: int = 0) -> None:
        self._server.start()
        # Names only, as in Lambda; the handlers read these at import and carry no local-only code.
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                "TABLE_NAME": TABLE_NAME,
                "RETENTION_DAYS": str(retention_days),
            }
        )
        os.environ.pop("AWS_PROFILE", None)
        boto3.client("dynamodb").create_table(**table_schema.create_table_request(TABLE_NAME))

    def stop(self) -> None:
        self._server.stop()
