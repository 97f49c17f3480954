"""Security properties of the declared infrastructure, for dev, prod and prod with every option on.

Each property is one line of data: an id (the AWS Security Hub foundational control or Pulumi AWSGuard
rule it follows, where there is one), why it matters, and the check. A property that does not hold fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from components.http_api import route_resource_name
from declarations.routes import ROUTES
from tests.support.mocked_program import API, EVERYTHING, WEBHOOK_SECRET, Program, run_program

SECRET_WORDS = ("secret", "password", "token", "key")


def policies(p: Program) -> list[tuple[str, dict]]:
    docs = [(r.name, json.loads(r.inputs["policy"])) for r in p.of_type("aws:iam/rolePolicy:RolePolicy")]
    return docs + [(r.name, json.loads(r.inputs["policy"])) for r in p.of_type("aws:s3/bucketPolicy:BucketPolicy")]


def allow_statements(p: Program) -> list[tuple[str, dict]]:
    return [(name, s) for name, doc in policies(p) for s in doc["Statement"] if s["Effect"] == "Allow"]


# Where AWS offers no resource-level permission, "*" is the only possible resource.
WILDCARD_RESOURCE_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}


def no_wildcard_actions(p: Program) -> bool:
    return all("*" not in a for _, s in allow_statements(p) for a in _list(s["Action"]))


def no_wildcard_resources_except_required(p: Program) -> bool:
    return all(
        set(_list(s["Action"])) <= WILDCARD_RESOURCE_ACTIONS
        for _, s in allow_statements(p)
        if "*" in _list(s["Resource"])
    )


def _list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def route_functions_have_exactly_their_table_actions(p: Program) -> bool:
    for route in ROUTES:
        granted = {
            a
            for name, s in allow_statements(p)
            if name == f"{route_resource_name(API, route)}-policy"
            for a in _list(s["Action"])
            if a.startswith("dynamodb:")
        }
        if granted != set(route.table_actions):
            return False
    return True


def functions(p: Program) -> list:
    return p.of_type("aws:lambda/function:Function")


def no_secret_in_environment(p: Program) -> bool:
    for f in functions(p):
        variables = (f.inputs.get("environment") or {}).get("variables", {})
        for name, value in variables.items():
            if any(w in name.lower() for w in SECRET_WORDS) and not name.endswith("_PARAMETER"):
                return False
            if WEBHOOK_SECRET in str(value) or "hooks.example.com" in str(value):
                return False
    return True


def secret_settings_are_secret(p: Program) -> bool:
    return all(isinstance(r.inputs["value"], dict) for r in p.of_type("aws:ssm/parameter:Parameter"))


def distribution(p: Program) -> dict:
    return p.one("aws:cloudfront/distribution:Distribution").inputs


def tls_at_the_edge(p: Program) -> bool:
    d = distribution(p)
    viewer = d["viewerCertificate"]
    if d.get("aliases"):
        return viewer.get("minimumProtocolVersion") == "TLSv1.2_2021" and viewer.get("sslSupportMethod") == "sni-only"
    # With the shared *.cloudfront.net certificate AWS fixes the security policy (TLSv1) and allows no
    # other: the one way to enforce TLS 1.2 is the custom domain, where the program does.
    return viewer == {"cloudfrontDefaultCertificate": True}


def https_only(p: Program) -> bool:
    d = distribution(p)
    behaviours = [d["defaultCacheBehavior"], *d["orderedCacheBehaviors"]]
    origins_tls = all(
        o["customOriginConfig"]["originProtocolPolicy"] == "https-only"
        and o["customOriginConfig"]["originSslProtocols"] == ["TLSv1.2"]
        for o in d["origins"]
        if "customOriginConfig" in o
    )
    return origins_tls and all(b["viewerProtocolPolicy"] in ("https-only", "redirect-to-https") for b in behaviours)


def bucket_private(p: Program) -> bool:
    block = p.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    ownership = p.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    return all(
        block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    ) and (ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced")


def bucket_read_only_through_oac(p: Program) -> bool:
    allows = [s for name, s in allow_statements(p) if name.endswith("-content")]
    return (
        len(allows) == 1
        and allows[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        and "AWS:SourceArn" in allows[0]["Condition"]["StringEquals"]
        and all("originAccessControlId" in o for o in distribution(p)["origins"] if "customOriginConfig" not in o)
        and not p.of_type("aws:cloudfront/originAccessIdentity:OriginAccessIdentity")
    )


def bucket_denies_plain_http(p: Program) -> bool:
    return any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for name, doc in policies(p)
        if name.endswith("-content")
        for s in doc["Statement"]
    )


def api_access_logging(p: Program) -> bool:
    stage = p.one("aws:apigatewayv2/stage:Stage").inputs
    return bool(stage.get("accessLogSettings", {}).get("destinationArn"))


def tracing_on(p: Program) -> bool:
    return all(f.inputs["tracingConfig"] == {"mode": "Active"} for f in functions(p))


def log_retention_set(p: Program) -> bool:
    return all(g.inputs.get("retentionInDays", 0) > 0 for g in p.of_type("aws:cloudwatch/logGroup:LogGroup"))


def supported_runtime(p: Program) -> bool:
    return all(f.inputs["runtime"] == "python3.13" for f in functions(p))


def table_encrypted(p: Program) -> bool:
    return p.one("aws:dynamodb/table:Table").inputs["serverSideEncryption"] == {"enabled": True}


def prod_table_recoverable(p: Program) -> bool:
    table = p.one("aws:dynamodb/table:Table")
    if not table.inputs["deletionProtectionEnabled"]:
        return True  # dev: disposable by design (protectData=false)
    return table.inputs["pointInTimeRecovery"] == {"enabled": True} and "submissions" in p.protected


def invoke_permissions_scoped(p: Program) -> bool:
    return all(
        perm.inputs["sourceArn"].startswith("arn:aws:execute-api:") and "/*/" in perm.inputs["sourceArn"]
        for perm in p.of_type("aws:lambda/permission:Permission")
    )


def dashboard_routes_need_a_token(p: Program) -> bool:
    routes = {r.inputs["routeKey"]: r.inputs for r in p.of_type("aws:apigatewayv2/route:Route")}
    return all(routes[r.key]["authorizationType"] == "JWT" for r in ROUTES if r.signed_in)


def owners_only_admin_created(p: Program) -> bool:
    pool = p.one("aws:cognito/userPool:UserPool").inputs
    client = p.one("aws:cognito/userPoolClient:UserPoolClient").inputs
    return (
        pool["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
        and pool["passwordPolicy"]["minimumLength"] >= 12
        and client["generateSecret"] is False
        and client["preventUserExistenceErrors"] == "ENABLED"
    )


def security_headers(p: Program) -> bool:
    headers = p.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs["securityHeadersConfig"]
    csp = headers["contentSecurityPolicy"]["contentSecurityPolicy"]
    return (
        headers["strictTransportSecurity"]["accessControlMaxAgeSec"] >= 31536000
        and headers["frameOptions"]["frameOption"] == "DENY"
        and headers["contentTypeOptions"]["override"] is True
        and "unsafe-inline" not in csp
        and "unsafe-eval" not in csp
    )


def queues_encrypted(p: Program) -> bool:
    return all(q.inputs.get("sqsManagedSseEnabled") for q in p.of_type("aws:sqs/queue:Queue"))


def one_role_per_function(p: Program) -> bool:
    roles = [f.inputs["role"] for f in functions(p)]
    return len(roles) == len(set(roles))


def _mail(p: Program) -> tuple[dict, dict] | None:
    """The mail domain's identity and configuration set inputs, or None without one."""
    sets = p.of_type("aws:sesv2/configurationSet:ConfigurationSet")
    if not sets:
        return None
    domains = [i for i in p.of_type("aws:sesv2/emailIdentity:EmailIdentity") if "@" not in i.inputs["emailIdentity"]]
    return (domains[0].inputs, sets[0].inputs) if len(domains) == 1 else ({}, {})


def mail_signed_by_its_domain(p: Program) -> bool:
    mail = _mail(p)
    if mail is None:
        return True
    dkim = [r for r in p.of_type("aws:route53/record:Record") if "._domainkey." in r.inputs["name"]]
    return mail[0].get("dkimSigningAttributes") == {"nextSigningKeyLength": "RSA_2048_BIT"} and len(dkim) == 3


def mail_from_aligned(p: Program) -> bool:
    if _mail(p) is None:
        return True
    mail_from = p.of_type("aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes")
    mx = [r for r in p.of_type("aws:route53/record:Record") if r.inputs["type"] == "MX"]
    return len(mail_from) == 1 and [r.inputs["name"] for r in mx] == [mail_from[0].inputs["mailFromDomain"]]


def no_send_skips_the_configuration_set(p: Program) -> bool:
    mail = _mail(p)
    if mail is None:
        return True
    events = p.of_type("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")
    watched = not p.of_type("aws:sns/topic:Topic") or (
        len(events) == 1 and {"BOUNCE", "COMPLAINT"} <= set(events[0].inputs["eventDestination"]["matchingEventTypes"])
    )
    return mail[0].get("configurationSetName") == mail[1]["configurationSetName"] and watched


def cognito_sends_only_for_this_account(p: Program) -> bool:
    policies = p.of_type("aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy")
    statements = [s for r in policies for s in json.loads(r.inputs["policy"])["Statement"]]
    return all("aws:SourceAccount" in s.get("Condition", {}).get("StringEquals", {}) for s in statements)


@dataclass(frozen=True)
class Property:
    id: str
    why: str
    holds: Callable[[Program], bool]


PROPERTIES = [
    Property(
        "mail: DKIM",
        "With a mail domain, SES signs with 2048-bit Easy DKIM and the three CNAMEs are in the zone (DMARC alignment).",
        mail_signed_by_its_domain,
    ),
    Property(
        "mail: MAIL FROM",
        "With a mail domain, the envelope sender is its own subdomain with SES's feedback MX (SPF alignment).",
        mail_from_aligned,
    ),
    Property(
        "mail: configuration set",
        "Every email from the mail domain goes through the configuration set, whose bounces and complaints "
        "reach the alarm topic when alarms are on.",
        no_send_skips_the_configuration_set,
    ),
    Property(
        "mail: Cognito sending authorization",
        "Cognito may send as the mail domain only for this account (no confused deputy).",
        cognito_sends_only_for_this_account,
    ),
    Property(
        "S3.8/AWSGuard s3-bucket-public-access",
        "Enquiry pages must not be reachable around CloudFront; all four blocks and owner-enforced ACLs.",
        bucket_private,
    ),
    Property(
        "CloudFront.13 (OAC)",
        "Only this distribution, signed with OAC, may read the bucket (no legacy OAI, no public read).",
        bucket_read_only_through_oac,
    ),
    Property("S3.5", "The bucket refuses requests that are not TLS.", bucket_denies_plain_http),
    Property(
        "CloudFront.3/CloudFront.9", "Viewers and the API origin speak HTTPS only, the origin TLS 1.2.", https_only
    ),
    Property(
        "CloudFront.7/AWSGuard cloudfront-tls",
        "With a custom domain the edge accepts only TLS 1.2+ (AWS fixes the policy of the shared certificate).",
        tls_at_the_edge,
    ),
    Property(
        "headers",
        "HSTS, frame denial and a CSP without inline script stop downgrade, clickjacking and injected script.",
        security_headers,
    ),
    Property(
        "APIGateway.9",
        "The API stage writes access logs, so every request can be traced by its id.",
        api_access_logging,
    ),
    Property("Lambda.7 (tracing)", "Every function is traced with X-Ray.", tracing_on),
    Property("Lambda.2", "Functions run on a supported runtime (Python 3.13).", supported_runtime),
    Property(
        "CloudWatch.16",
        "Every log group has a retention period, so personal data in errors does not live forever.",
        log_retention_set,
    ),
    Property("IAM.1/AWSGuard iam-no-wildcard-action", "No policy allows a wildcard action.", no_wildcard_actions),
    Property(
        "IAM.21",
        "No wildcard resource except where AWS has no resource-level permission (X-Ray writes, ListStreams).",
        no_wildcard_resources_except_required,
    ),
    Property(
        "least privilege per route",
        "Each route's function may perform exactly its route's table actions, no more.",
        route_functions_have_exactly_their_table_actions,
    ),
    Property(
        "one role per function",
        "A compromise of one function does not grant another's permissions.",
        one_role_per_function,
    ),
    Property(
        "Lambda.1", "Only this API, on the function's own route, may invoke a function.", invoke_permissions_scoped
    ),
    Property("auth", "Every dashboard route requires a Cognito JWT.", dashboard_routes_need_a_token),
    Property(
        "Cognito",
        "Owners are admin-created with strong passwords; the browser client has no secret to leak.",
        owners_only_admin_created,
    ),
    Property("DynamoDB (encryption)", "The table is encrypted at rest.", table_encrypted),
    Property(
        "DynamoDB.2/DynamoDB.6",
        "In prod the table has point-in-time recovery, deletion protection and Pulumi protect.",
        prod_table_recoverable,
    ),
    Property("SQS.1", "The dead-letter queue (enquiry contents) is encrypted at rest.", queues_encrypted),
    Property(
        "Lambda.3 (secrets)",
        "No secret in any function's environment (the webhook's live in SSM SecureString).",
        no_secret_in_environment,
    ),
    Property(
        "secrets as config secrets",
        "Secret settings stay Pulumi secrets all the way into state.",
        secret_settings_are_secret,
    ),
]

STACKS = {"dev": ("dev", {}), "prod": ("prod", {}), "prod-everything": ("prod", EVERYTHING)}


@pytest.fixture(scope="module", params=list(STACKS))
def declared(request: pytest.FixtureRequest) -> Program:
    stack, overrides = STACKS[request.param]
    return run_program(stack, overrides)


@pytest.mark.parametrize("prop", PROPERTIES, ids=[p.id for p in PROPERTIES])
def test_property_holds(declared: Program, prop: Property) -> None:
    assert prop.holds(declared), f"{prop.id} does not hold: {prop.why}"


def test_a_violation_is_detected() -> None:
    """The checks can fail: a wildcard grant and a public bucket are caught."""
    program = run_program("dev")
    policy = program.one("aws:iam/rolePolicy:RolePolicy", "api-contact-policy")
    doc = json.loads(policy.inputs["policy"])
    doc["Statement"].append({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
    policy.inputs["policy"] = json.dumps(doc)
    assert not no_wildcard_actions(program) and not route_functions_have_exactly_their_table_actions(program)
    program.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs["blockPublicPolicy"] = False
    assert not bucket_private(program)


def test_a_mail_violation_is_detected() -> None:
    """An identity without its default configuration set, and a Cognito grant for any account, are caught."""
    program = run_program("prod", EVERYTHING)
    assert no_send_skips_the_configuration_set(program) and cognito_sends_only_for_this_account(program)
    (domain,) = [i for i in program.of_type("aws:sesv2/emailIdentity:EmailIdentity")]
    del domain.inputs["configurationSetName"]
    assert not no_send_skips_the_configuration_set(program)
    policy = program.one("aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy")
    doc = json.loads(policy.inputs["policy"])
    del doc["Statement"][0]["Condition"]
    policy.inputs["policy"] = json.dumps(doc)
    assert not cognito_sends_only_for_this_account(program)
