"""The policy pack (policy/) run as the CLI runs it: silent on the program as written for dev, prod and prod with
every option, and on one planted bad edit per rule, exactly that rule's mandatory violation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import security_rules
import yaml
from guard import POLICIES
from security_rules import PUBLIC_ROUTES

from declarations.routes import ROUTES
from handlers import edge, env_names, table_schema
from tests.support.mocked_program import STACKS, Program, declared_program
from tests.support.paths import ROOT
from tests.support.policy_pack import analyze, mandatory

Props = dict[str, Any]


@pytest.fixture(scope="module", params=list(STACKS))
def declared(request: pytest.FixtureRequest) -> Program:
    return declared_program(request.param)


def test_the_program_as_written_passes_every_policy(declared: Program) -> None:
    assert analyze(declared) == []


def edit(program: Program, typ: str, change: Callable[[Props], object], name: str | None = None) -> None:
    """Change one declared resource's properties, as a user's edit of the program would (inputs and outputs)."""
    found = [r for r in program.of_type(typ) if name is None or r.name == name]
    assert found, f"no {typ} named {name}"
    for props in (found[0].inputs, found[0].outputs):
        change(props)


def with_statement(statement: Props) -> Callable[[Props], None]:
    def change(props: Props) -> None:
        doc = json.loads(props["policy"])
        doc["Statement"].append(statement)
        props["policy"] = json.dumps(doc)

    return change


def without_tls_deny(props: Props) -> None:
    doc = json.loads(props["policy"])
    doc["Statement"] = [s for s in doc["Statement"] if s["Effect"] != "Deny"]
    props["policy"] = json.dumps(doc)


def without_conditions(props: Props) -> None:
    doc = json.loads(props["policy"])
    for s in doc["Statement"]:
        s.pop("Condition", None)
    props["policy"] = json.dumps(doc)


def setter(path: str, value: object) -> Callable[[Props], None]:
    """Set (or, with value None, delete) the property at a dotted path, list indexes included."""

    def change(props: Props) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = props
        for part in parents:
            target = target[part]
        if value is None:
            target.pop(last, None)  # inputs and outputs may share nested values
        else:
            target[last] = value

    return change


def share_first_role(program: Program) -> None:
    first, second = program.of_type("aws:lambda/function:Function")[:2]
    for props in (second.inputs, second.outputs):
        props["role"] = first.inputs["role"]


def without_waf(program: Program) -> None:
    program.resources = [r for r in program.resources if r.typ != "aws:wafv2/webAcl:WebAcl"]
    edit(program, DISTRIBUTION, setter("webAclId", None))


def drop_mx(program: Program) -> None:
    program.resources = [r for r in program.resources if r.inputs.get("type") != "MX"]


TABLE = "aws:dynamodb/table:Table"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
HEADERS = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
SES_POLICY = "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
FUNCTION = "aws:lambda/function:Function"
POLICY = "aws:iam/rolePolicy:RolePolicy"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PUBLIC_READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}
TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/t"

# Each planted edit: the rule it must trip, the stack it is made in, and the edit.
BAD_EDITS: list[tuple[str, str, Callable[[Program], None]]] = [
    ("s3-public-access-blocked", "dev",
     lambda p: edit(p, BLOCK, setter("restrictPublicBuckets", False))),
    ("s3-bucket-owner-enforced", "dev",
     lambda p: edit(p, OWNERSHIP, setter("rule.objectOwnership", "ObjectWriter"))),
    ("s3-bucket-policy-private-and-tls-only", "dev", lambda p: edit(p, BUCKET_POLICY, with_statement(PUBLIC_READ))),
    ("s3-bucket-policy-private-and-tls-only", "dev", lambda p: edit(p, BUCKET_POLICY, without_tls_deny)),
    ("cloudfront-viewers-https", "dev",
     lambda p: edit(p, DISTRIBUTION, setter("defaultCacheBehavior.viewerProtocolPolicy", "allow-all"))),
    ("cloudfront-viewers-https", "dev",
     lambda p: edit(p, DISTRIBUTION, setter("orderedCacheBehaviors.0.viewerProtocolPolicy", "allow-all"))),
    ("cloudfront-origins-tls12", "dev",
     lambda p: edit(p, DISTRIBUTION, setter("origins.1.customOriginConfig.originProtocolPolicy", "http-only"))),
    ("cloudfront-origins-tls12", "dev",
     lambda p: edit(p, DISTRIBUTION, setter("origins.1.customOriginConfig.originSslProtocols", ["TLSv1.1"]))),
    ("cloudfront-viewer-tls12", "prod-everything",
     lambda p: edit(p, DISTRIBUTION, setter("viewerCertificate.minimumProtocolVersion", "TLSv1_2016"))),
    ("security-headers", "dev",
     lambda p: edit(p, HEADERS,
                    setter("securityHeadersConfig.frameOptions.frameOption", "SAMEORIGIN"))),
    ("iam-no-wildcard-action", "dev",
     lambda p: edit(p, POLICY, with_statement({"Effect": "Allow", "Action": "*", "Resource": TABLE_ARN}))),
    ("iam-wildcard-resource-only-where-required", "dev",
     lambda p: edit(p, POLICY, with_statement({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}))),
    ("api-access-logs", "dev", lambda p: edit(p, "aws:apigatewayv2/stage:Stage", setter("accessLogSettings", None))),
    ("lambda-tracing", "dev", lambda p: edit(p, FUNCTION, setter("tracingConfig.mode", "PassThrough"))),
    ("lambda-supported-runtime", "dev", lambda p: edit(p, FUNCTION, setter("runtime", "python3.9"))),
    ("lambda-no-secret-in-environment", "dev",
     lambda p: edit(p, FUNCTION, setter("environment.variables.API_TOKEN", "t0ken"))),
    ("log-retention", "dev",
     lambda p: edit(p, "aws:cloudwatch/logGroup:LogGroup", setter("retentionInDays", None), "api-access-logs")),
    ("lambda-log-group-retention", "dev",
     lambda p: edit(p, FUNCTION, setter("loggingConfig.logGroup", "/aws/lambda/contact"))),
    ("lambda-invoke-scoped", "dev", lambda p: edit(p, "aws:lambda/permission:Permission", setter("sourceArn", None))),
    ("dynamodb-encrypted", "dev",
     lambda p: edit(p, TABLE, setter("serverSideEncryption.enabled", False), "submissions")),
    ("dynamodb-protected-table-recoverable", "prod",
     lambda p: edit(p, TABLE, setter("pointInTimeRecovery.enabled", False), "submissions")),
    ("sqs-encrypted", "prod-everything",
     lambda p: edit(p, "aws:sqs/queue:Queue", setter("sqsManagedSseEnabled", False))),
    ("ssm-secure-string", "prod-everything",
     lambda p: edit(p, "aws:ssm/parameter:Parameter", setter("type", "String"))),
    ("cognito-admin-created-owners", "dev",
     lambda p: edit(p, POOL, setter("adminCreateUserConfig.allowAdminCreateUserOnly", False))),
    ("cognito-browser-client", "dev",
     lambda p: edit(p, CLIENT, setter("generateSecret", True))),
    ("ses-sending-authorization-own-account", "prod-everything",
     lambda p: edit(p, SES_POLICY, without_conditions)),
    ("lambda-one-role-per-function", "dev", share_first_role),
    ("owner-routes-need-a-token", "dev",
     lambda p: edit(p, "aws:apigatewayv2/route:Route", setter("authorizationType", "NONE"), "api-list")),
    ("cloudfront-bucket-through-oac", "dev",
     lambda p: edit(p, DISTRIBUTION, setter("origins.0.originAccessControlId", None))),
    ("ses-dkim", "prod-everything",
     lambda p: edit(p, IDENTITY, setter("dkimSigningAttributes.nextSigningKeyLength", "RSA_1024_BIT"))),
    ("ses-mail-from", "prod-everything", drop_mx),
    ("ses-configuration-set", "prod-everything",
     lambda p: edit(p, IDENTITY, setter("configurationSetName", None))),
    ("dynamodb-counters-expire", "dev", lambda p: edit(p, TABLE, setter("ttl.enabled", False), "counters")),
    ("api-only-through-the-edge", "dev", lambda p: edit(p, DISTRIBUTION, setter("origins.1.customHeaders", None))),
    ("api-only-through-the-edge", "dev",
     lambda p: edit(p, FUNCTION, setter("environment.variables.EDGE_PROOF_HASHES", ""), "api-list")),
    ("api-only-through-the-edge", "prod-everything",
     lambda p: edit(p, "aws:apigatewayv2/api:Api", setter("disableExecuteApiEndpoint", False))),
    ("api-visitor-address-from-the-edge", "dev",
     lambda p: edit(p, DISTRIBUTION, setter("orderedCacheBehaviors.0.functionAssociations", None))),
    ("api-visitor-address-from-the-edge", "prod",
     lambda p: edit(p, "aws:cloudfront/function:Function",
                    setter("code", "function handler(event) { return event.request; }"))),
    ("waf-contact-rate-per-ip", "prod", without_waf),
    ("waf-contact-rate-per-ip", "prod",
     lambda p: edit(p, "aws:wafv2/webAcl:WebAcl",
                    lambda props: props.update(rules=[r for r in props["rules"] if "contact" not in r["name"]]))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "stack", "bad_edit"), BAD_EDITS, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BAD_EDITS)]
)
def test_a_bad_edit_is_exactly_its_rules_violation(rule: str, stack: str, bad_edit: Callable[[Program], None]) -> None:
    program = declared_program(stack)
    bad_edit(program)
    found = mandatory(analyze(program))
    assert list(found) == [rule], f"expected only {rule}, got {found}"


def test_every_policy_has_a_bad_edit() -> None:
    assert {p.name for p in POLICIES} == {rule for rule, _, _ in BAD_EDITS}


def test_a_user_can_lower_one_rule_to_advisory() -> None:
    """`--policy-pack-config` with {"lambda-supported-runtime": "advisory"}: reported, but no longer stops."""
    program = declared_program("dev")
    edit(program, FUNCTION, setter("runtime", "python3.12"))
    diagnostics = analyze(program, {"lambda-supported-runtime": "advisory"})
    assert mandatory(diagnostics) == {}
    assert [(d.policy, d.level) for d in diagnostics] == [("lambda-supported-runtime", "advisory")]
    assert "runs 'python3.12'; use one of python3.13" in diagnostics[0].message


def test_a_rules_setting_can_be_changed() -> None:
    program = declared_program("dev")
    edit(program, FUNCTION, setter("runtime", "python3.12"))
    assert analyze(program, {"lambda-supported-runtime": {"runtimes": ["python3.12", "python3.13"]}}) == []


def test_a_value_unknown_during_preview_is_advisory_not_a_pass_or_a_stop() -> None:
    program = declared_program("dev")
    edit(program, BLOCK,
         setter("blockPublicAcls", "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"))  # fmt: skip
    diagnostics = analyze(program)
    assert mandatory(diagnostics) == {}
    assert [d.policy for d in diagnostics] == ["s3-public-access-blocked"]
    assert "can't run policy 's3-public-access-blocked'" in diagnostics[0].message


def test_public_routes_are_the_route_tables() -> None:
    assert set(PUBLIC_ROUTES) == {r.key for r in ROUTES if not r.signed_in}


def test_the_packs_names_for_the_edge_are_the_programs() -> None:
    """The pack runs in its own environment, without the handlers: its copies of their names must agree."""
    assert (security_rules.ORIGIN_PROOF, security_rules.VIEWER_ADDRESS) == (edge.ORIGIN_PROOF, edge.VIEWER_ADDRESS)
    assert security_rules.EDGE_PROOF_VARIABLE == env_names.EDGE_PROOF_HASHES
    assert security_rules.COUNTER_KEY == table_schema.COUNTER_KEY
    assert security_rules.CONTACT_PATH == next(r.path for r in ROUTES if r.name == "contact")


def test_the_pack_is_laid_out_as_the_cli_loads_it() -> None:
    """PulumiPolicy.yaml names the Python runtime and the venv `pulumi install` creates; the entry point only
    calls PolicyPack (which never returns); the pack pins the same pulumi as the program."""
    project = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    entry = (ROOT / "policy" / "__main__.py").read_text()
    assert "PolicyPack(PACK_NAME, policies=POLICIES, enforcement_level=EnforcementLevel.MANDATORY)" in entry
    assert len([line for line in entry.splitlines() if line and not line.startswith(("#", '"""'))]) <= 4

    def pins(path: str) -> dict[str, str]:
        return dict(re.findall(r"^([a-z-]+)==(\S+)$", (ROOT / path).read_text(), re.M))

    assert pins("policy/requirements.txt")["pulumi"] == pins("requirements.txt")["pulumi"]
    assert "pulumi-policy" in pins("policy/requirements.txt")
