"""No way around the edge, for dev, prod and prod with a domain: CloudFront sends the API a secret whose hash every
function holds (and with a domain API Gateway's own URL is off); a CloudFront Function writes each visitor's
address; the WAF is on with a per-IP rule on POST /api/contact; the per-visitor counters expire."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from typing import Any

import pytest

from components.settings import SettingsError
from components.static_site import VIEWER_ADDRESS_FUNCTION
from handlers import env_names as env
from handlers.edge import ORIGIN_PROOF, VIEWER_ADDRESS, proof_hash
from tests.support.mocked_program import PROJECT, Program, run_program
from tests.support.paths import ROOT

DOMAIN = {f"{PROJECT}:domain": "www.example.com", f"{PROJECT}:hostedZoneId": "Z0123456789ABCDEFGHIJ"}
STACKS = {"dev": ("dev", {}), "prod": ("prod", {}), "prod-with-domain": ("prod", DOMAIN)}
DYNAMIC = "pulumi-python:dynamic:Resource"


@pytest.fixture(scope="module", params=list(STACKS))
def stack(request: pytest.FixtureRequest) -> tuple[str, Program]:
    name, overrides = STACKS[request.param]
    return request.param, run_program(name, overrides)


def plain(value: Any) -> Any:
    """A value as the program set it, whether or not Pulumi marked it secret."""
    return value["value"] if isinstance(value, dict) and "value" in value and len(value) == 2 else value


def api_origin(program: Program) -> dict[str, Any]:
    distribution = program.one("aws:cloudfront/distribution:Distribution").inputs
    return next(o for o in distribution["origins"] if o["originId"] == "api")


def test_cloudfront_sends_the_secret_every_function_requires(stack: tuple[str, Program]) -> None:
    _, program = stack
    (secret,) = program.of_type(DYNAMIC)
    assert secret.name == "edge-secret-v1" and len(secret.outputs["value"]) >= 43  # 32 random bytes
    headers = api_origin(program)["customHeaders"]
    assert [(h["name"], plain(h["value"])) for h in headers] == [(ORIGIN_PROOF, secret.outputs["value"])]
    functions = program.of_type("aws:lambda/function:Function")
    assert len(functions) >= 6
    for function in functions:
        if function.name in ("notify", "search-index-indexer", "exports-writer"):
            continue  # the stream's consumers and the export writer answer no request
        accepted = function.inputs["environment"]["variables"][env.EDGE_PROOF_HASHES].split(",")
        assert accepted == [proof_hash(secret.outputs["value"])], function.name
        assert secret.outputs["value"] not in json.dumps(function.inputs, default=str), "only the hash reaches it"


def test_with_a_domain_api_gateways_own_url_is_off(stack: tuple[str, Program]) -> None:
    name, program = stack
    api = program.one("aws:apigatewayv2/api:Api").inputs
    if name != "prod-with-domain":
        assert api.get("disableExecuteApiEndpoint") is False
        assert api_origin(program)["domainName"].endswith(".execute-api.eu-west-1.amazonaws.com")
        assert program.of_type("aws:apigatewayv2/domainName:DomainName") == []
        return
    assert api["disableExecuteApiEndpoint"] is True
    assert api_origin(program)["domainName"] == "api.www.example.com"
    domain = program.one("aws:apigatewayv2/domainName:DomainName").inputs
    assert domain["domainName"] == "api.www.example.com"
    assert domain["domainNameConfiguration"]["endpointType"] == "REGIONAL"
    assert domain["domainNameConfiguration"]["securityPolicy"] == "TLS_1_2"
    certificate = program.one("aws:acm/certificate:Certificate", "api-certificate").inputs
    assert certificate["region"] == program.one("aws:dynamodb/table:Table", "submissions").outputs["arn"].split(":")[3]
    assert (
        domain["domainNameConfiguration"]["certificateArn"]
        == program.one("aws:acm/certificateValidation:CertificateValidation", "api-certificate").outputs[
            "certificateArn"
        ]
    )
    mapping = program.one("aws:apigatewayv2/apiMapping:ApiMapping").inputs
    assert mapping["stage"] == "$default" and mapping["domainName"] == "api-id"


def test_every_api_request_passes_the_viewer_address_function(stack: tuple[str, Program]) -> None:
    _, program = stack
    function = program.one("aws:cloudfront/function:Function")
    assert function.inputs["runtime"] == "cloudfront-js-2.0" and function.inputs["publish"] is True
    assert function.inputs["code"] == VIEWER_ADDRESS_FUNCTION.read_text()
    distribution = program.one("aws:cloudfront/distribution:Distribution").inputs
    (api,) = distribution["orderedCacheBehaviors"]
    assert api["pathPattern"] == "/api/*"
    assert api["functionAssociations"] == [{"eventType": "viewer-request", "functionArn": function.outputs["arn"]}]
    assert "functionAssociations" not in distribution["defaultCacheBehavior"], "the pages need no address"


def test_the_waf_is_on_with_a_per_ip_rule_on_posts_to_the_contact_form(stack: tuple[str, Program]) -> None:
    _, program = stack
    acl = program.one("aws:wafv2/webAcl:WebAcl")
    assert program.one("aws:cloudfront/distribution:Distribution").inputs["webAclId"] == acl.outputs["arn"]
    contact, api, _ = acl.inputs["rules"]
    rate = contact["statement"]["rateBasedStatement"]
    assert (rate["limit"], rate["aggregateKeyType"], rate["evaluationWindowSec"]) == (10, "IP", 60)
    matched = {
        s["byteMatchStatement"]["searchString"]: s["byteMatchStatement"]
        for s in rate["scopeDownStatement"]["andStatement"]["statements"]
    }
    assert matched["POST"]["fieldToMatch"] == {"method": {}} and matched["POST"]["positionalConstraint"] == "EXACTLY"
    assert matched["/api/contact"]["fieldToMatch"] == {"uriPath": {}}
    assert contact["action"]["block"]["customResponse"]["responseCode"] == 429
    assert api["statement"]["rateBasedStatement"]["limit"] == 1000
    assert [r["priority"] for r in acl.inputs["rules"]] == [0, 1, 2]


def test_the_counters_expire_and_are_encrypted(stack: tuple[str, Program]) -> None:
    _, program = stack
    counters = program.one("aws:dynamodb/table:Table", "counters").inputs
    assert counters["hashKey"] == "counter" and counters["billingMode"] == "PAY_PER_REQUEST"
    assert counters["ttl"] == {"attributeName": "expires_at", "enabled": True}
    assert counters["serverSideEncryption"] == {"enabled": True}
    contact = program.one("aws:lambda/function:Function", "api-contact").inputs["environment"]["variables"]
    assert (contact[env.VISITOR_LIMIT], contact[env.VISITOR_CEILING]) == ("5", "50")
    assert contact[env.COUNTERS_TABLE] == program.one("aws:dynamodb/table:Table", "counters").outputs["name"]


def test_raising_the_version_rotates_the_secret_keeping_the_previous_one_accepted() -> None:
    program = run_program("prod", {f"{PROJECT}:edgeSecretVersion": 2})
    secrets = {s.name: s.outputs["value"] for s in program.of_type(DYNAMIC)}
    assert set(secrets) == {"edge-secret-v2", "edge-secret-v1"}
    assert plain(api_origin(program)["customHeaders"][0]["value"]) == secrets["edge-secret-v2"]
    contact = program.one("aws:lambda/function:Function", "api-contact").inputs["environment"]["variables"]
    assert contact[env.EDGE_PROOF_HASHES].split(",") == [
        proof_hash(secrets["edge-secret-v2"]),
        proof_hash(secrets["edge-secret-v1"]),
    ]


def test_without_the_waf_there_is_no_acl_and_the_contact_rule_can_go_alone() -> None:
    assert run_program("dev", {f"{PROJECT}:wafRateLimit": 0}).of_type("aws:wafv2/webAcl:WebAcl") == []
    acl = run_program("dev", {f"{PROJECT}:wafContactRateLimit": 0}).one("aws:wafv2/webAcl:WebAcl")
    assert [r["name"] for r in acl.inputs["rules"]] == ["api-rate-per-ip", "aws-common-rules"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"contactClientLimit": 10, "contactClientCeiling": 9}, "contactClientCeiling=9 is not allowed; use at least"),
        ({"contactClientLimit": 0}, "contactClientLimit=0 is not allowed; use a whole number from 1 to 1000"),
        ({"wafContactRateLimit": 5}, "wafContactRateLimit=5 is not allowed; use 0 (no WAF) or at least 10"),
        ({"edgeSecretVersion": 0}, "edgeSecretVersion=0 is not allowed; use a whole number from 1"),
    ],
)
def test_bad_limits_are_refused_by_name(overrides: dict[str, int], expected: str) -> None:
    with pytest.raises(SettingsError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        run_program("dev", {f"{PROJECT}:{k}": v for k, v in overrides.items()})


NODE_CHECK = """
const code = require('fs').readFileSync(process.argv[1], 'utf8');
const handler = new Function(code + '; return handler;')();
const forged = {request: {headers: {'x-viewer-address': {value: '198.51.100.1'}, host: {value: 'x'}}},
                viewer: {ip: process.argv[2]}};
process.stdout.write(JSON.stringify(handler(forged).headers));
"""


@pytest.mark.parametrize("ip", ["203.0.113.7", "2001:db8:aa:bb::9"])
def test_the_viewer_function_writes_cloudfronts_address_over_any_sent(ip: str) -> None:
    """The function's own code, run by Node with the event CloudFront gives it (cloudfront-js-2.0's shape)."""
    done = subprocess.run(
        ["node", "-e", NODE_CHECK, str(VIEWER_ADDRESS_FUNCTION), ip], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == {VIEWER_ADDRESS: {"value": ip}, "host": {"value": "x"}}


def test_the_secrets_provider_loads_where_pulumis_provider_host_runs_it(stack: tuple[str, Program]) -> None:
    """The provider is pickled by reference (components.edge_secret); Pulumi's dynamic provider host runs
    `python -m pulumi.dynamic` in the project's directory, so that import must work from there."""
    _, program = stack
    (secret,) = program.of_type(DYNAMIC)[:1]
    serialized = plain(secret.inputs["__provider"])
    code = (
        "import base64, sys, dill; provider = dill.loads(base64.b64decode(sys.argv[1]));"
        "print(len(provider.create({}).outs['value']))"
    )
    done = subprocess.run([sys.executable, "-c", code, serialized], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 43
    assert b"components.edge_secret" in base64.b64decode(serialized)
