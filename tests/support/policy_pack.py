"""The policy pack as the Pulumi CLI talks to it: over the analyzer's RPC messages, in process.

pulumi-policy ships no test harness; its own tests (sdk/python/lib/test/test_policy.py) drive the private
`_PolicyAnalyzerServicer` with `Analyze`, `AnalyzeStack` and `Configure` requests, and so does this, so that the
properties reach each policy deserialized, proxied for unknowns and configured exactly as at a preview. Kept here
alone, so a pulumi-policy upgrade that moves the class breaks one place (requirements pin 1.21.0)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import struct_pb2
from guard import PACK_NAME, POLICIES
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from tests.support.mocked_program import PROJECT, Declared, Program

LEVELS = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY, "disabled": proto.DISABLED}


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    level: str  # "advisory" or "mandatory", as the CLI prints it
    message: str
    urn: str


def _engine_value(value: Any) -> Any:
    """A property as the engine sends it in a protobuf Struct: JSON values only (numbers become floats)."""
    if isinstance(value, Mapping):
        return {str(k): _engine_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_engine_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return f"<{type(value).__name__}>"  # an asset or archive: no policy reads its contents


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(_engine_value(props))
    return struct


def urn(resource: Declared) -> str:
    return f"urn:pulumi:test::{PROJECT}::{resource.typ}::{resource.name}"


def analyze(program: Program, config: Mapping[str, str | Mapping[str, Any]] | None = None) -> list[Diagnostic]:
    """Every diagnostic the pack reports for the program: each resource's inputs as it is declared (Analyze),
    then every resource's outputs together (AnalyzeStack). `config` is `--policy-pack-config`'s JSON."""
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.0.1", POLICIES, EnforcementLevel.MANDATORY)
    servicer.Configure(_configure_request(config or {}), None)
    found, stack = [], []
    for r in program.resources:
        options = proto.AnalyzerResourceOptions(protect=r.name in program.protected)
        found += servicer.Analyze(
            proto.AnalyzeRequest(type=r.typ, urn=urn(r), name=r.name, properties=_struct(r.inputs), options=options),
            None,
        ).diagnostics
        stack.append(
            proto.AnalyzerResource(type=r.typ, urn=urn(r), name=r.name, properties=_struct(r.outputs), options=options)
        )
    found += servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=stack), None).diagnostics
    names = {v: k for k, v in LEVELS.items()}
    return [Diagnostic(d.policyName, names[d.enforcementLevel], d.message, d.urn) for d in found]


def _configure_request(config: Mapping[str, str | Mapping[str, Any]]) -> Any:
    """What the CLI sends after reading a `--policy-pack-config` file: for every policy, a level and settings
    (`ReconcilePolicyPackConfig` gives each policy its own level where the file names none)."""
    request = proto.ConfigureAnalyzerRequest()
    for policy in POLICIES:
        given = config.get(policy.name, {})
        given = {"enforcementLevel": given} if isinstance(given, str) else dict(given)
        level = given.pop("enforcementLevel", "mandatory")
        request.policyConfig[policy.name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=LEVELS[level], properties=_struct(given))
        )
    return request


def mandatory(diagnostics: list[Diagnostic]) -> dict[str, list[str]]:
    """The violations that stop a preview, by policy."""
    found: dict[str, list[str]] = {}
    for d in diagnostics:
        if d.level == "mandatory":
            found.setdefault(d.policy, []).append(d.message)
    return found
