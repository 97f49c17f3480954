"""EdgeSecrets: the value CloudFront sends the API in its origin header, made at random when first deployed and
kept in the stack's state as a secret, and the hashes the functions accept.

Each version is its own resource, so raising edgeSecretVersion makes a new value and keeps the one before it
accepted: CloudFront takes minutes to send the new one from every edge. A Pulumi dynamic resource makes the value,
so nothing but the stack's state (encrypted, as every secret there) holds it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

from handlers.edge import proof_hash


class RandomValueProvider(ResourceProvider):
    """Makes 32 random bytes, URL-safe base64, when its resource is created; they never change after."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=secrets.token_hex(8), outs={"value": secrets.token_urlsafe(32)})


class RandomValue(Resource):
    value: pulumi.Output[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=["value"])
        super().__init__(RandomValueProvider(), name, {"value": None}, pulumi.ResourceOptions.merge(opts, secret))


@dataclass(frozen=True)
class EdgeSecretsArgs:
    version: int  # edgeSecretVersion: raise it by one to rotate


class EdgeSecrets(pulumi.ComponentResource):
    header_value: pulumi.Output[str]  # what CloudFront sends (this version's value), a secret
    accepted_hashes: pulumi.Output[str]  # the functions' EDGE_PROOF_HASHES: this version's and the one before

    def __init__(self, name: str, args: EdgeSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:EdgeSecrets", name, None, opts)
        versions = [v for v in (args.version, args.version - 1) if v >= 1]
        values = [RandomValue(f"{name}-v{v}", pulumi.ResourceOptions(parent=self)).value for v in versions]
        self.header_value = values[0]
        # A hash reveals nothing of the value, so the functions' environment need not be a secret.
        self.accepted_hashes = pulumi.Output.unsecret(
            pulumi.Output.all(*values).apply(lambda vs: ",".join(proof_hash(v) for v in vs))
        )
        self.register_outputs({})
