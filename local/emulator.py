"""moto on loopback, with the stack's resources created from the same declarations as the components."""

from __future__ import annotations

import os
import secrets
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import yaml
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from declarations import mail_spec, table_spec, web_assets
from declarations import owner_pool_spec as spec
from declarations.export_spec import WRITER_HANDLER, WRITER_TIMEOUT_SECONDS
from handlers import env_names as env
from handlers import index_schema, table_schema
from local import edge
from local.persistence import SavedData, restore_items
from scripts.reindex import reindex

# moto's default region: the page's unsigned Cognito calls to a loopback URL carry no region, and moto sends
# some of them (GlobalSignOut, on "Sign out") to its default region's pool, not the pool's own.
REGION = "us-east-1"
TABLE_NAME = "ctd-local-submissions"
COUNTERS_TABLE = "ctd-local-counters"
INDEX_TABLE = "ctd-local-search-index"
EXPORTS_BUCKET = "ctd-local-exports"
EXPORT_FUNCTION = "ctd-local-export-writer"


# Pulumi.yaml's settings, read once: make dev runs with the stack's own default limits.
_DECLARED = yaml.safe_load((Path(__file__).resolve().parent.parent / "Pulumi.yaml").read_text())["config"]


def stack_default(key: str) -> int:
    return int(_DECLARED[key]["default"])


# The runner's environment may override them (local/background.py lifts them for most tests).
VISITOR_LIMIT, VISITOR_CEILING = stack_default("contactClientLimit"), stack_default("contactClientCeiling")
NOTIFY_MAX_PER_HOUR = stack_default("notifyMaxPerHour")
SPAM_RETENTION_DAYS = stack_default("spamRetentionDays")
OWNER_EMAIL = "owner@example.com"
# The mail-domain path, as the stack sets it up: the domain's identity with its configuration set, and the
# sender at that domain (mail_spec.NOTIFY_LOCAL_PART).
MAIL_DOMAIN = "example.com"
NOTIFY_FROM = f"{mail_spec.NOTIFY_LOCAL_PART}@{MAIL_DOMAIN}"
CONFIGURATION_SET = "ctd-local-mail"


def create_table_request(table_name: str) -> dict[str, object]:
    """The boto3 CreateTable arguments for the table schema: the local runner's and the tests' table."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in table_spec.ATTRIBUTES.items()],
        "KeySchema": [{"AttributeName": table_schema.HASH_KEY, "KeyType": "HASH"}],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": name,
                "KeySchema": [
                    {"AttributeName": hash_key, "KeyType": "HASH"},
                    {"AttributeName": range_key, "KeyType": "RANGE"},
                ],
                "Projection": table_spec.projection_request(name),
            }
            for name, (hash_key, range_key) in table_spec.INDEXES.items()
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": table_spec.STREAM_VIEW_TYPE},
    }


def create_counters_table_request(table_name: str) -> dict[str, object]:
    """The boto3 CreateTable arguments for the per-visitor counters (the HourlyCounters component's table)."""
    key = table_schema.COUNTER_KEY
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
    }


def create_index_table_request(table_name: str) -> dict[str, object]:
    """The boto3 CreateTable arguments for the search index (the SearchIndex component's table)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": n, "AttributeType": "S"} for n in (index_schema.WORD, index_schema.ENTRY)
        ],
        "KeySchema": [
            {"AttributeName": index_schema.WORD, "KeyType": "HASH"},
            {"AttributeName": index_schema.ENTRY, "KeyType": "RANGE"},
        ],
    }


@dataclass(frozen=True)
class OwnerPool:
    pool_id: str
    client_id: str
    issuer: str
    jwks_url: str
    owner_email: str
    temporary_password: str  # "" when the owner's own password was kept from an earlier run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SerialMotoServer(ThreadedMotoServer):
    """moto answering one request at a time. Its backends are not thread-safe: two updates of one item at once
    (a visitor's hourly count, as concurrent posts from one address make them) could each miss the other's, where
    DynamoDB applies every update atomically. moto works under the GIL anyway, so little speed is lost."""

    def _server_entry(self) -> None:  # moto's own (moto is pinned), with its application serialised
        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with lock:
                return list(app(environ, start_response))

        self._server = make_server(
            self._ip_address, self._port, one_at_a_time, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class Emulator:
    """Starts moto and points every boto3 client in this process at it through AWS_ENDPOINT_URL."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server = SerialMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self, retention_days: int = 0, saved: SavedData | None = None) -> None:
        """moto with the stack's resources; `saved` (make dev's kept data) is put back before anything reads it."""
        self._server.start()
        from local.lambda_invoke import LambdaStandIn  # here: it imports the gateway, which imports this module

        self.functions = LambdaStandIn({EXPORT_FUNCTION: (WRITER_HANDLER, WRITER_TIMEOUT_SECONDS)}).start()
        # Names only, as in Lambda; the handlers read these at import and carry no local-only code.
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_ENDPOINT_URL_LAMBDA": self.functions.endpoint,  # Lambda's Invoke, which moto runs in Docker
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                env.TABLE_NAME: TABLE_NAME,
                env.PAGE_SHELL: web_assets.page_shell(),
                env.RETENTION_DAYS: str(retention_days),
                env.SPAM_RETENTION_DAYS: str(SPAM_RETENTION_DAYS),
                env.NOTIFY_FROM: NOTIFY_FROM,
                env.NOTIFY_TO: OWNER_EMAIL,
                env.NOTIFY_CONFIGURATION_SET: CONFIGURATION_SET,
                env.EDGE_PROOF_HASHES: edge.PROOF_HASH,
                env.COUNTERS_TABLE: COUNTERS_TABLE,
                index_schema.INDEX_TABLE: INDEX_TABLE,
                env.EXPORT_BUCKET: EXPORTS_BUCKET,
                env.EXPORT_FUNCTION: EXPORT_FUNCTION,
                env.VISITOR_LIMIT: os.environ.get(env.VISITOR_LIMIT, str(VISITOR_LIMIT)),
                env.VISITOR_CEILING: os.environ.get(env.VISITOR_CEILING, str(VISITOR_CEILING)),
                env.NOTIFY_MAX_PER_HOUR: os.environ.get(env.NOTIFY_MAX_PER_HOUR, str(NOTIFY_MAX_PER_HOUR)),
            }
        )
        os.environ.pop("AWS_PROFILE", None)
        os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"  # moto then checks TOTP codes for real
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(**create_index_table_request(INDEX_TABLE))
        if saved and saved.items:
            # Restored before the table has its stream, so kept enquiries are not notified about again; the search
            # index is not kept, but made again from them.
            request = create_table_request(TABLE_NAME)
            stream = request.pop("StreamSpecification")
            dynamodb.create_table(**request)
            restore_items(TABLE_NAME, saved.items)
            reindex(dynamodb, TABLE_NAME, INDEX_TABLE)
            dynamodb.update_table(TableName=TABLE_NAME, StreamSpecification=stream)
        else:
            dynamodb.create_table(**create_table_request(TABLE_NAME))
        dynamodb.create_table(**create_counters_table_request(COUNTERS_TABLE))
        for table in (COUNTERS_TABLE, INDEX_TABLE):
            dynamodb.update_time_to_live(
                TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": table_schema.EXPIRES_AT}
            )
        boto3.client("s3").create_bucket(Bucket=EXPORTS_BUCKET)
        ses = boto3.client("sesv2")
        ses.create_configuration_set(ConfigurationSetName=CONFIGURATION_SET)
        ses.create_email_identity(EmailIdentity=MAIL_DOMAIN, ConfigurationSetName=CONFIGURATION_SET)
        self.owners = self._create_owner_pool(saved.owner_password if saved else "")

    def _create_owner_pool(self, kept_password: str) -> OwnerPool:
        """The owners' pool and dashboard client as the OwnerAuth component declares them, and one owner."""
        cognito = boto3.client("cognito-idp")
        pool = cognito.create_user_pool(
            PoolName="ctd-local-owners",
            UsernameAttributes=spec.USERNAME_ATTRIBUTES,
            AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
            Policies={"PasswordPolicy": spec.camel_case(spec.PASSWORD_POLICY)},
        )["UserPool"]
        # As the stack's `ownerMfa` (OPTIONAL by default); CTD_OWNER_MFA=ON tries the enrolment flow locally.
        mfa = os.environ.get("CTD_OWNER_MFA", "OPTIONAL")
        if mfa != "OFF":
            cognito.set_user_pool_mfa_config(
                UserPoolId=pool["Id"], SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration=mfa
            )
        client = cognito.create_user_pool_client(
            UserPoolId=pool["Id"], ClientName="dashboard", ExplicitAuthFlows=spec.AUTH_FLOWS, GenerateSecret=False
        )["UserPoolClient"]
        # Meets the password policy; the owner must replace it at first sign-in, as in the cloud.
        password = f"Tmp-{secrets.token_urlsafe(9)}-7a"
        cognito.admin_create_user(
            UserPoolId=pool["Id"],
            Username=OWNER_EMAIL,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": OWNER_EMAIL}, {"Name": "email_verified", "Value": "true"}],
        )
        if kept_password:  # the password the owner chose in an earlier run of make dev
            cognito.admin_set_user_password(
                UserPoolId=pool["Id"], Username=OWNER_EMAIL, Password=kept_password, Permanent=True
            )
            password = ""
        issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"  # moto issues AWS's issuer
        return OwnerPool(
            pool_id=pool["Id"],
            client_id=client["ClientId"],
            issuer=issuer,
            jwks_url=f"{self.endpoint}/{pool['Id']}/.well-known/jwks.json",
            owner_email=OWNER_EMAIL,
            temporary_password=password,
        )

    def stop(self) -> None:
        self.functions.stop()
        self._server.stop()
