"""The whole program under mocks for each real stack: the properties DESIGN.md promises, on the declared inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from components.function import FunctionSizing
from components.http_api import (
    ExportArgs,
    HttpApi,
    HttpApiArgs,
    JwtAuthorizerArgs,
    VisitorLimitArgs,
    route_resource_name,
)
from components.search_index import IndexTableArgs
from components.static_site import ALL_VIEWER_EXCEPT_HOST_HEADER, CACHING_DISABLED
from declarations import web_assets
from declarations.routes import ROUTES
from handlers import env_names as env
from handlers.index_schema import INDEX_TABLE
from tests.support.mocked_program import API, PROJECT, Declared, Program, run_program, stack_config
from tests.support.paths import ROOT

FUNCTION = "aws:lambda/function:Function"
WRITER = "exports-writer"
INDEXER = "search-index-indexer"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def _setting(program: Program, key: str) -> str:
    stack = (
        "prod" if program.one("aws:dynamodb/table:Table", "submissions").inputs["deletionProtectionEnabled"] else "dev"
    )
    return stack_config(stack)[0][f"{PROJECT}:{key}"]


def test_every_component_and_concept_is_declared(program: Program) -> None:
    types = {r.typ for r in program.resources}
    for typ in (
        "ctd:index:SubmissionsTable",
        "ctd:index:HttpApi",
        "ctd:index:HandlerFunction",
        "ctd:index:StaticSite",
        "aws:dynamodb/table:Table",
        "aws:apigatewayv2/api:Api",
        "aws:apigatewayv2/stage:Stage",
        "aws:cloudfront/distribution:Distribution",
        "aws:cloudfront/originAccessControl:OriginAccessControl",
        "aws:s3/bucketPolicy:BucketPolicy",
    ):
        assert typ in types, f"no {typ} declared"


def test_table_is_on_demand_encrypted_with_ttl_and_stream(program: Program) -> None:
    table = program.one("aws:dynamodb/table:Table", "submissions").inputs
    assert table["billingMode"] == "PAY_PER_REQUEST"
    assert table["serverSideEncryption"] == {"enabled": True}
    assert table["ttl"] == {"attributeName": "expires_at", "enabled": True}
    assert table["streamEnabled"] is True and table["streamViewType"] == "NEW_IMAGE"
    assert table["hashKey"] == "id", "every submission must be its own item, keyed by its id"


def test_prod_protects_the_table_and_dev_does_not(program: Program) -> None:
    table = program.one("aws:dynamodb/table:Table", "submissions")
    protect = _setting(program, "protectData") == "true"
    assert table.inputs["deletionProtectionEnabled"] is protect
    assert table.inputs["pointInTimeRecovery"] == {"enabled": protect}
    assert ("submissions" in program.protected) is protect


def test_bucket_is_private_and_owner_enforced(program: Program) -> None:
    for bucket in ("site-content", "exports"):
        block = program.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket).inputs
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
            assert block[flag] is True, f"{bucket}: public access block {flag} is off"
        ownership = program.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket).inputs
        assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        encryption = program.one(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket
        ).inputs
        assert encryption["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_pages_keep_old_versions_for_rollback_and_expire_them(program: Program) -> None:
    versioning = program.one("aws:s3/bucketVersioning:BucketVersioning").inputs
    assert versioning["versioningConfiguration"] == {"status": "Enabled"}
    (rule,) = program.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "site-content").inputs[
        "rules"
    ]
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": int(_setting(program, "pageVersionRetentionDays"))}
    assert (
        versioning["bucket"]
        == program.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "site-content").inputs["bucket"]
    )


def test_only_the_distribution_reads_the_bucket_and_only_over_tls(program: Program) -> None:
    distribution = program.one("aws:cloudfront/distribution:Distribution")
    policy = json.loads(program.one("aws:s3/bucketPolicy:BucketPolicy", "site-content").inputs["policy"])
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allows == [
        {
            "Sid": "CloudFrontReadsThroughOAC",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": allows[0]["Resource"],
            "Condition": {"StringEquals": {"AWS:SourceArn": distribution.outputs["arn"]}},
        }
    ]
    denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert denies and denies[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_distribution_serves_the_bucket_through_oac_over_https(program: Program) -> None:
    inputs = program.one("aws:cloudfront/distribution:Distribution").inputs
    oac = program.one("aws:cloudfront/originAccessControl:OriginAccessControl")
    assert oac.inputs["signingBehavior"] == "always" and oac.inputs["originAccessControlOriginType"] == "s3"
    s3_origin = next(o for o in inputs["origins"] if o["originId"] == "site")
    assert s3_origin["originAccessControlId"] == f"{oac.name}-id"
    assert inputs["defaultRootObject"] == "index.html"
    assert inputs["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"
    assert inputs["priceClass"] == _setting(program, "priceClass")
    errors = inputs["customErrorResponses"]
    assert [(e["errorCode"], e["responseCode"], e["responsePagePath"]) for e in errors] == [(403, 404, "/error.html")]


def test_api_behaviour_is_uncached_forwards_viewer_headers_and_refuses_http(program: Program) -> None:
    inputs = program.one("aws:cloudfront/distribution:Distribution").inputs
    (api,) = inputs["orderedCacheBehaviors"]
    assert api["pathPattern"] == "/api/*"
    assert api["cachePolicyId"] == CACHING_DISABLED
    assert api["originRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert api["viewerProtocolPolicy"] == "https-only"
    assert {"POST", "PATCH", "DELETE"} <= set(api["allowedMethods"])
    api_origin = next(o for o in inputs["origins"] if o["originId"] == api["targetOriginId"])
    assert api_origin["domainName"] == "api123.execute-api.eu-west-1.amazonaws.com"
    assert api_origin["customOriginConfig"]["originProtocolPolicy"] == "https-only"


def test_every_response_carries_the_security_headers(program: Program) -> None:
    policy = program.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    inputs = program.one("aws:cloudfront/distribution:Distribution").inputs
    for behaviour in [inputs["defaultCacheBehavior"], *inputs["orderedCacheBehaviors"]]:
        assert behaviour["responseHeadersPolicyId"] == f"{policy.name}-id"
    headers = policy.inputs["securityHeadersConfig"]
    assert headers["strictTransportSecurity"]["accessControlMaxAgeSec"] >= 31536000
    assert headers["contentTypeOptions"]["override"] is True
    assert headers["frameOptions"]["frameOption"] == "DENY"
    csp = headers["contentSecurityPolicy"]["contentSecurityPolicy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "base-uri 'none'" in csp and not any("<base" in p.read_text() for p in web_assets.WWW_DIR.glob("*.html"))


def test_every_site_file_is_uploaded_with_its_type_and_caching(program: Program) -> None:
    objects = {o.inputs["key"]: o.inputs for o in program.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}
    assert set(objects) == {*web_assets.site_files(), "config.js"}
    assert objects["index.html"]["contentType"] == "text/html; charset=utf-8"
    assert objects["style.css"]["contentType"] == "text/css; charset=utf-8"
    assert objects["logo.svg"]["contentType"] == "image/svg+xml"
    assert objects["logo.svg"]["cacheControl"] == web_assets.ASSET_CACHE
    # Pages and scripts revalidate: a page and its modules always come from one deploy.
    assert objects["index.html"]["cacheControl"] == objects["dashboard/main.js"]["cacheControl"] == "no-cache"
    assert objects["dashboard/main.js"]["contentType"] == "text/javascript; charset=utf-8"
    region = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]["aws:region"]
    assert f'"region": "{region}"' in objects["config.js"]["content"]


def test_functions_are_python_313_arm64_json_logs_traced(program: Program) -> None:
    functions = program.of_type(FUNCTION)
    assert sorted(f.name for f in functions) == sorted(
        [WRITER, INDEXER, *(route_resource_name(API, r) for r in ROUTES)]
    )
    log_groups = {g.outputs["name"]: g for g in program.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for function in functions:
        inputs = function.inputs
        assert inputs["runtime"] == "python3.13" and inputs["architectures"] == ["arm64"], function.name
        assert inputs["loggingConfig"]["logFormat"] == "JSON", function.name
        assert inputs["tracingConfig"] == {"mode": "Active"}, function.name
        group = log_groups[inputs["loggingConfig"]["logGroup"]]
        assert group.name == f"{function.name}-logs"
        assert int(group.inputs["retentionInDays"]) == int(_setting(program, "logRetentionDays"))
        variables = (inputs.get("environment") or {}).get("variables", {})
        if function.name in (WRITER, INDEXER):
            own = {env.EXPORT_BUCKET} if function.name == WRITER else set()
            assert set(variables) == {env.TABLE_NAME, INDEX_TABLE, *own}
            continue
        contact_only = {env.EXTRA_FIELDS, env.PAGE_SHELL, env.COUNTERS_TABLE, env.VISITOR_LIMIT, env.VISITOR_CEILING}
        export_only = {env.EXPORT_BUCKET, env.EXPORT_FUNCTION}
        index_readers = {route_resource_name(API, r) for r in ROUTES if r.index_actions}
        allowed = {env.EDGE_PROOF_HASHES, env.TABLE_NAME, env.RETENTION_DAYS, env.SPAM_RETENTION_DAYS}
        if function.name == f"{API}-contact":
            allowed |= contact_only
        elif "export-" in function.name:
            allowed |= export_only
        if function.name in index_readers:
            allowed.add(INDEX_TABLE)
        assert set(variables) <= allowed and env.EDGE_PROOF_HASHES in variables, f"{function.name}: {variables}"


def _policy_of(program: Program, function: Declared) -> dict:
    role = next(r for r in program.of_type("aws:iam/role:Role") if r.outputs["arn"] == function.inputs["role"])
    (policy,) = [p for p in program.of_type(ROLE_POLICY) if p.inputs["role"] == f"{role.name}-id"]
    return json.loads(policy.inputs["policy"])


def test_each_function_has_its_own_role_with_exactly_its_routes_actions(program: Program) -> None:
    functions = program.of_type(FUNCTION)
    assert len({f.inputs["role"] for f in functions}) == len(functions), "functions share a role"
    table_arn = program.one("aws:dynamodb/table:Table", "submissions").outputs["arn"]
    counters_arn = program.one("aws:dynamodb/table:Table", "counters").outputs["arn"]
    index_arn = program.one("aws:dynamodb/table:Table", "search-index").outputs["arn"]
    for route in ROUTES:
        function = next(f for f in functions if f.name == route_resource_name(API, route))
        statements = _policy_of(program, function)["Statement"]
        logs = next(s for s in statements if s["Action"][0].startswith("logs:"))
        assert logs["Resource"].endswith(f":log-group:{function.inputs['loggingConfig']['logGroup']}:*")
        table = [s for s in statements if any(a.startswith("dynamodb:") for a in s["Action"])]
        if route.name == "contact":
            # Its one right on the counters: add to a count, on that table alone (no right to change an enquiry).
            (count,) = [s for s in table if s["Resource"] == [counters_arn]]
            assert count["Action"] == ["dynamodb:UpdateItem"]
            table.remove(count)
        on_index = [s for s in table if s["Resource"] == [index_arn]]
        assert [s["Action"] for s in on_index] == ([list(route.index_actions)] if route.index_actions else [])
        table = [s for s in table if s not in on_index]
        if not route.table_actions:
            assert not table, f"{route.name} may touch the table but its route needs no table access"
            continue
        (grant,) = table
        assert sorted(grant["Action"]) == sorted(route.table_actions), route.name
        assert grant["Resource"][0] == table_arn
        assert all(r.startswith(table_arn) for r in grant["Resource"]), grant
        for statement in statements:
            if statement["Resource"] == "*":
                assert all(a.startswith("xray:") for a in statement["Action"]), f"wildcard resource: {statement}"


def test_routes_come_from_the_route_table_and_invoke_only_from_this_api(program: Program) -> None:
    declared = {r.inputs["routeKey"]: r.inputs for r in program.of_type("aws:apigatewayv2/route:Route")}
    assert set(declared) == {r.key for r in ROUTES}
    for route in ROUTES:
        assert declared[route.key]["authorizationType"] == ("JWT" if route.signed_in else "NONE")
        integration = program.one("aws:apigatewayv2/integration:Integration", route_resource_name(API, route)).inputs
        assert integration["payloadFormatVersion"] == "2.0" and integration["integrationType"] == "AWS_PROXY"
        permission = program.one("aws:lambda/permission:Permission", route_resource_name(API, route)).inputs
        assert permission["principal"] == "apigateway.amazonaws.com"
        assert permission["sourceArn"] == f"arn:aws:execute-api:eu-west-1:123456789012:api123/*/{route.arn_path}"


def test_stage_auto_deploys_throttles_and_logs_json(program: Program) -> None:
    stage = program.one("aws:apigatewayv2/stage:Stage").inputs
    assert stage["name"] == "$default" and stage["autoDeploy"] is True
    throttling = stage["defaultRouteSettings"]
    assert str(int(throttling["throttlingRateLimit"])) == _setting(program, "throttleRateLimit")
    assert str(int(throttling["throttlingBurstLimit"])) == _setting(program, "throttleBurstLimit")
    access = stage["accessLogSettings"]
    assert json.loads(access["format"])["requestId"] == "$context.requestId"
    assert access["destinationArn"].endswith(":log-group:api-access-logs-abc123")


def test_local_table_and_declared_table_agree(program: Program) -> None:
    from local.emulator import create_table_request

    declared = program.one("aws:dynamodb/table:Table", "submissions").inputs
    local = create_table_request("t")
    assert {a["AttributeName"]: a["AttributeType"] for a in local["AttributeDefinitions"]} == {
        a["name"]: a["type"] for a in declared["attributes"]
    }
    assert local["KeySchema"] == [{"AttributeName": declared["hashKey"], "KeyType": "HASH"}]
    assert {
        i["IndexName"]: [(k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]]
        for i in local["GlobalSecondaryIndexes"]
    } == {
        i["name"]: [(k["attributeName"], k["keyType"]) for k in i["keySchemas"]]
        for i in declared["globalSecondaryIndexes"]
    }
    assert local["StreamSpecification"]["StreamViewType"] == declared["streamViewType"]
    assert {i["IndexName"]: i["Projection"]["ProjectionType"] for i in local["GlobalSecondaryIndexes"]} == {
        i["name"]: i["projectionType"] for i in declared["globalSecondaryIndexes"]
    }


def test_only_the_counts_indexes_are_narrow(program: Program) -> None:
    """The daily counts read an index of the inbox's keys alone, the spam view's counts one of spam's keys and
    reasons; the views' indexes copy whole items, since they answer with them."""
    declared = program.one("aws:dynamodb/table:Table", "submissions").inputs["globalSecondaryIndexes"]
    shapes = {
        i["name"]: (i["projectionType"], [k["attributeName"] for k in i["keySchemas"]], i.get("nonKeyAttributes"))
        for i in declared
    }
    assert shapes == {
        "by_status": ("ALL", ["status", "created_at"], None),
        "inbox": ("ALL", ["inbox", "created_at"], None),
        "spam": ("ALL", ["status", "spam_at"], None),
        "inbox_keys": ("KEYS_ONLY", ["inbox", "created_at"], None),
        "spam_reasons": ("INCLUDE", ["status", "spam_at"], ["spam_reason"]),
    }


def test_the_public_contact_route_has_its_own_tighter_throttle(program: Program) -> None:
    stage = program.one("aws:apigatewayv2/stage:Stage").inputs
    (contact,) = stage["routeSettings"]
    assert contact["routeKey"] == "POST /api/contact" and "POST /api/contact" in {r.key for r in ROUTES}
    assert contact["throttlingRateLimit"] == int(_setting(program, "contactRateLimit"))
    assert contact["throttlingBurstLimit"] == int(_setting(program, "contactBurstLimit"))
    assert contact["throttlingRateLimit"] <= stage["defaultRouteSettings"]["throttlingRateLimit"]


def test_components_follow_pulumis_contract(everything: Program) -> None:
    """Type tokens ctd:index:<ClassName>, and no two resources of one type share a logical name."""
    tokens = {r.typ for r in everything.resources if r.typ.startswith("ctd:")}
    assert tokens and all(re.fullmatch(r"ctd:index:[A-Z][A-Za-z]+", t) for t in tokens), tokens
    names = [(r.typ, r.name) for r in everything.resources]
    assert len(names) == len(set(names)), "two resources would share a URN"


def test_a_second_api_does_not_collide_with_the_first() -> None:
    """Every child is named after its component, so two instances can live in one stack."""

    def two_apis() -> None:
        sizing = FunctionSizing(memory_mb=256, timeout_seconds=10, log_retention_days=14)
        for name in ("api", "api-staging"):
            HttpApi(
                name,
                HttpApiArgs(
                    table_name="t",
                    table_arn="arn:aws:dynamodb:eu-west-1:123456789012:table/t",
                    submission_retention_days=0,
                    spam_retention_days=30,
                    sizing=sizing,
                    throttle_rate_limit=10,
                    throttle_burst_limit=20,
                    contact_rate_limit=2,
                    contact_burst_limit=5,
                    visitors=VisitorLimitArgs("v", "arn:aws:dynamodb:eu-west-1:123456789012:table/v", 5, 50),
                    exports=ExportArgs("b", "arn:aws:s3:::b", "w", "arn:aws:lambda:eu-west-1:123456789012:function:w"),
                    search_index=IndexTableArgs("i", "arn:aws:dynamodb:eu-west-1:123456789012:table/i"),
                    edge_proof_hashes="0" * 64,
                    authorizer=JwtAuthorizerArgs(issuer="https://issuer.example", audience="client"),
                ),
            )

    declared = run_program("dev", program=two_apis)
    names = [(r.typ, r.name) for r in declared.resources]
    assert len(declared.of_type("aws:apigatewayv2/api:Api")) == 2
    assert len(names) == len(set(names))


def test_the_contact_function_frames_its_error_page_with_the_sites_error_page(program: Program) -> None:
    contact = program.one(FUNCTION, f"{API}-contact")
    assert contact.inputs["environment"]["variables"]["PAGE_SHELL"] == web_assets.page_shell()
    size = sum(len(k) + len(str(v)) for k, v in contact.inputs["environment"]["variables"].items())
    assert size < 4096, f"Lambda allows 4 KB of environment; the contact function's is {size} bytes"


def test_a_page_shell_without_one_main_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / web_assets.ERROR_PAGE).write_text("<html><body><p>no main here</p></body></html>")
    monkeypatch.setattr(web_assets, "WWW_DIR", tmp_path)
    with pytest.raises(ValueError, match="must have one <main>"):
        web_assets.page_shell()
