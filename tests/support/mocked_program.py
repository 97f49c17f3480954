"""The whole Pulumi program under mocks with a stack's real config, as `pulumi preview` would run it."""

from __future__ import annotations

import copy
import functools
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tests.support.paths import ROOT
from tests.support.pulumi_engine import (
    Secret,
    StackValue,
    apply_project_config,
    load_project,
    load_stack_file,
    program_config,
)

# The project's name as Pulumi.yaml says it, so a renamed project is tested as itself.
PROJECT = load_project(ROOT / "Pulumi.yaml")["name"]
ACCOUNT = "123456789012"
API = "api"  # the HttpApi's name in __main__.py: its route resources are named after it
ZONE_DOMAIN = "example.com"  # the hosted zone's domain, as Route 53 would answer for the test zone id
WEBHOOK_URL = "https://hooks.example.com/services/T000/B000/abc123"
WEBHOOK_SECRET = "whsec_" + "c2VjcmV0LWtleS1vZi0zMi1ieXRlcy1leGFjdGx5ISE="  # 32 bytes
# Turnstile's keys in the form its dashboard shows them.
BOT_CHECK_SITE_KEY = "0x4AAAAAAAtestSiteKey_0"
BOT_CHECK_SECRET = "0x4AAAAAAAtestSecretKey-0123456789"
# Every optional feature on, as a user with a domain, SES, a webhook, WAF, alarms and a bot check would set them.
EVERYTHING = {
    f"{PROJECT}:ownerEmails": ["owner@example.com"],
    f"{PROJECT}:notifyFrom": "site@example.com",
    f"{PROJECT}:notifyTo": ["owner@example.com", "sales@example.com"],
    f"{PROJECT}:webhookUrl": Secret(WEBHOOK_URL),
    f"{PROJECT}:webhookSecret": Secret(WEBHOOK_SECRET),
    f"{PROJECT}:alarmsEnabled": True,
    f"{PROJECT}:alarmEmail": "ops@example.com",
    f"{PROJECT}:wafRateLimit": 500,
    f"{PROJECT}:domain": "www.example.com",
    f"{PROJECT}:hostedZoneId": "Z0123456789ABCDEFGHIJ",
    f"{PROJECT}:extraFields": "keep",
    f"{PROJECT}:allowedOrigins": ["https://shop.example.com"],
    f"{PROJECT}:botCheck": "turnstile",
    f"{PROJECT}:botCheckSiteKey": BOT_CHECK_SITE_KEY,
    f"{PROJECT}:botCheckSecret": Secret(BOT_CHECK_SECRET),
}


DYNAMIC_RESOURCE = "pulumi-python:dynamic"


def dynamic_create(inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A Pulumi dynamic resource's create, run as pulumi.dynamic's provider host runs it: the provider the
    program serialized into the resource's inputs, deserialized with dill and called with the other inputs."""
    import base64

    import dill  # pulumi's own dependency, which serialized the provider

    serialized = inputs["__provider"]
    if isinstance(serialized, dict):  # the SDK sends it as a secret: the engine's wrapper around the value
        serialized = serialized["value"]
    provider = dill.loads(base64.b64decode(serialized))
    props = {k: v for k, v in inputs.items() if k != "__provider"}
    created = provider.create(props)
    return created.id, {**props, **(created.outs or {})}


@dataclass
class Declared:
    """One resource the program declared: its type token, logical name and resolved inputs."""

    typ: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    resource_id: str = ""  # the id the provider would return


@dataclass
class Program:
    resources: list[Declared] = field(default_factory=list)
    protected: set[str] = field(default_factory=set)  # logical names declared with protect=True

    def of_type(self, typ: str) -> list[Declared]:
        return [r for r in self.resources if r.typ == typ]

    def protects_enquiries(self) -> bool:
        """The table has deletion protection and point-in-time recovery, and Pulumi protects it."""
        table = self.one("aws:dynamodb/table:Table", "submissions").inputs
        return (
            table["deletionProtectionEnabled"] is True
            and table["pointInTimeRecovery"] == {"enabled": True}
            and "submissions" in self.protected
        )

    def one(self, typ: str, name: str | None = None) -> Declared:
        found = [r for r in self.of_type(typ) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {typ} named {name}, found {[r.name for r in found]}"
        return found[0]


class RecordingMonitor(MockMonitor):
    """Also records resource options the mocks never see (Pulumi's `protect`)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.protected: set[str] = set()

    def RegisterResource(self, request: Any) -> Any:
        if request.protect:
            self.protected.add(request.name)
        return super().RegisterResource(request)


class RecordingMocks(pulumi.runtime.Mocks):
    """Records each declared resource and answers with the computed outputs AWS would return."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.program = Program()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        name, region = args.name.replace("/", "-"), self.region
        resource_id = f"{name}-id"
        outputs = dict(args.inputs)
        outputs.setdefault("name", f"{name}-abc123")
        service = args.typ.split(":")[1].split("/")[0]
        outputs["arn"] = f"arn:aws:{service}:{region}:{ACCOUNT}:{name}"
        if args.typ == "aws:dynamodb/table:Table":
            outputs["arn"] = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{outputs['name']}"
            outputs["streamArn"] = f"{outputs['arn']}/stream/2026-01-01T00:00:00.000"
        elif args.typ == "aws:cloudwatch/logGroup:LogGroup":
            outputs["arn"] = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{outputs['name']}"
        elif args.typ == "aws:iam/role:Role":
            outputs["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{outputs['name']}"
        elif args.typ == "aws:cognito/userPool:UserPool":
            resource_id = f"{region}_AbCdEf123"  # the form Cognito gives pool ids
        elif args.typ == "aws:lambda/function:Function":
            outputs["invokeArn"] = f"arn:aws:apigateway:{region}:lambda:path/functions/{outputs['arn']}/invocations"
        elif args.typ == "aws:apigatewayv2/api:Api":
            outputs["executionArn"] = f"arn:aws:execute-api:{region}:{ACCOUNT}:api123"
            outputs["apiEndpoint"] = f"https://api123.execute-api.{region}.amazonaws.com"
        elif args.typ == "aws:s3/bucket:Bucket":
            outputs["bucket"] = outputs["name"]
            outputs["arn"] = f"arn:aws:s3:::{outputs['name']}"
            outputs["bucketRegionalDomainName"] = f"{outputs['name']}.s3.{region}.amazonaws.com"
        elif args.typ == "aws:cloudfront/distribution:Distribution":
            outputs["domainName"] = "d111111abcdef8.cloudfront.net"
            outputs["hostedZoneId"] = "Z2FDTNDATAQYW2"
            outputs["arn"] = f"arn:aws:cloudfront::{ACCOUNT}:distribution/EDFDVBD6EXAMPLE"
        elif args.typ == "aws:acm/certificate:Certificate":
            outputs["domainValidationOptions"] = [
                {
                    "domainName": args.inputs["domainName"],
                    "resourceRecordName": f"_x1.{args.inputs['domainName']}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": "_x2.acm-validations.aws.",
                }
            ]
        elif args.typ == "aws:acm/certificateValidation:CertificateValidation":
            outputs["certificateArn"] = args.inputs["certificateArn"]
        elif args.typ == "aws:sesv2/emailIdentity:EmailIdentity":
            outputs["arn"] = f"arn:aws:ses:{region}:{ACCOUNT}:identity/{args.inputs['emailIdentity']}"
            if "@" not in args.inputs["emailIdentity"]:  # a domain: Easy DKIM issues three tokens
                outputs["dkimSigningAttributes"] = {
                    **args.inputs.get("dkimSigningAttributes", {}),
                    "tokens": [f"{n}abcdefghijklmnopqrstuvwxyz{n}" for n in range(3)],
                }
        elif args.typ == "aws:sesv2/configurationSet:ConfigurationSet":
            outputs["arn"] = f"arn:aws:ses:{region}:{ACCOUNT}:configuration-set/{args.inputs['configurationSetName']}"
        elif args.typ == "aws:route53/record:Record":
            outputs["fqdn"] = args.inputs["name"]
        elif args.typ == "aws:apigatewayv2/domainName:DomainName":
            outputs["domainNameConfiguration"] = {
                **args.inputs["domainNameConfiguration"],
                "targetDomainName": f"d-abc123.execute-api.{region}.amazonaws.com",
                "hostedZoneId": "ZLY8HYME6SFDD",
            }
        elif args.typ == "aws:cloudwatch/eventRule:EventRule":
            outputs["arn"] = f"arn:aws:events:{region}:{ACCOUNT}:rule/{outputs['name']}"
        elif args.typ == "aws:cloudfront/function:Function":
            outputs["arn"] = f"arn:aws:cloudfront::{ACCOUNT}:function/{name}"
        elif args.typ.startswith(DYNAMIC_RESOURCE):
            # As the engine's dynamic provider host does: the program's own provider, unpickled, creates it.
            resource_id, outputs = dynamic_create(args.inputs)
        self.program.resources.append(Declared(args.typ, args.name, dict(args.inputs), outputs, resource_id))
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The data sources the program reads, answered as AWS would; any other call fails the test."""
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/deployer",
                "userId": "AIDA",
                "id": ACCOUNT,
            }, []
        if args.token == "aws:route53/getZone:getZone":
            return {"zoneId": args.args["zoneId"], "name": f"{ZONE_DOMAIN}.", "id": args.args["zoneId"]}, []
        raise AssertionError(f"the program made an unexpected provider call: {args.token}")


def stack_config(
    stack: str,
    overrides: dict[str, Any] | None = None,
    project_dir: Path = ROOT,
    project: dict[str, Any] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The config the CLI would hand the program: Pulumi.<stack>.yaml plus overrides (each as `pulumi config
    set` would store it; `Secret(...)` as with --secret), through the engine's config step. `project` is the
    directory's Pulumi.yaml when the caller has loaded it already."""
    config = load_stack_file(project_dir / f"Pulumi.{stack}.yaml")
    for key, value in (overrides or {}).items():
        config[key] = StackValue(value.value, secure=True) if isinstance(value, Secret) else StackValue(value)
    return program_config(apply_project_config(stack, project or load_project(project_dir / "Pulumi.yaml"), config))


def run_program(
    stack: str,
    overrides: dict[str, Any] | None = None,
    program: Callable[[], object] | None = None,
    project_dir: Path = ROOT,
) -> Program:
    """__main__.py (or `program`) of the project in `project_dir` under mocks, named as its Pulumi.yaml names
    it, with the stack's config as the engine would pass it.

    Pulumi's mocks never see `protect`; observing it needs the SDK's private MockMonitor, run_pulumi_func and
    _sync_await, kept here alone so an SDK upgrade that moves them breaks one place."""
    project = load_project(project_dir / "Pulumi.yaml")
    config, secret_keys = stack_config(stack, overrides, project_dir, project)
    mocks = RecordingMocks(config.get("aws:region", ""))
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_all_config(config, secret_keys)
    pulumi.runtime.set_mocks(mocks, project=project["name"], stack=stack, preview=False, monitor=monitor)
    main = program or (lambda: runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__"))
    _sync_await(run_pulumi_func(main))
    mocks.program.protected = monitor.protected
    return mocks.program


# The programs many tests read: each run once per test session (a run takes seconds, a copy milliseconds).
STACKS: dict[str, tuple[str, dict[str, Any]]] = {
    "dev": ("dev", {}),
    "prod": ("prod", {}),
    "prod-everything": ("prod", EVERYTHING),
}


@functools.cache
def _declared_once(name: str) -> Program:
    return run_program(*STACKS[name])


def declared_program(name: str) -> Program:
    """The program as declared for one of STACKS, as a copy of its one run: a test may edit it."""
    return copy.deepcopy(_declared_once(name))
