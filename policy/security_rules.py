"""The stack's security properties as data: each rule's name, why it matters, and the check that finds its
violations. One source for the policy pack (guard.py) and the repository's own tests
(tests/components/test_security_properties.py); plain Python, so the pack's small environment imports it.

A check receives resources as the Pulumi engine describes them (camelCase property names, as pulumi-aws's
schema spells them) and yields one message per violation, naming what is wrong. Where a rule follows an AWS
Security Hub control or a Pulumi AWSGuard rule, its `why` names it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Props = Mapping[str, Any]
Config = Mapping[str, Any]

POLICY_DOCUMENTS = {  # resource type -> the property that holds an IAM policy document
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": "policy",
}
# Where AWS offers no resource-level permission, "*" is the only possible resource.
WILDCARD_RESOURCE_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams")
SUPPORTED_RUNTIMES = ("python3.13",)
# Routes anyone may call: the contact form, and the catch-all that answers unknown /api/* paths with a 404.
PUBLIC_ROUTES = ("POST /api/contact", "$default")
SECRET_WORDS = ("secret", "password", "token", "key")
SECURE_VIEWER_POLICIES = ("https-only", "redirect-to-https")
# What CloudFront adds to each API request (handlers/edge.py, whose names a test ties to these): the secret the
# functions require, and the visitor's address its viewer-request function writes from event.viewer.ip.
ORIGIN_PROOF = "x-origin-verify"
VIEWER_ADDRESS = "x-viewer-address"
EDGE_PROOF_VARIABLE = "EDGE_PROOF_HASHES"
CONTACT_PATH = "/api/contact"
COUNTER_KEY = "counter"  # the hash key of the table that counts visitors (by address) and emails by hour
BLOCKS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


@dataclass(frozen=True)
class Resource:
    """One declared resource: its type token, logical name, properties and whether Pulumi protects it."""

    type: str
    name: str
    props: Props
    protect: bool = False


@dataclass(frozen=True)
class ResourceRule:
    """A check of one resource of the listed types, run as each resource is declared."""

    name: str
    why: str
    types: tuple[str, ...]
    check: Callable[[Resource, Config], Iterable[str]]
    config: Mapping[str, Any] = field(default_factory=dict)  # settings a user may change, with their defaults


@dataclass(frozen=True)
class StackRule:
    """A check across the whole stack, for properties that relate resources to one another."""

    name: str
    why: str
    check: Callable[[Sequence[Resource], Config], Iterable[str]]
    config: Mapping[str, Any] = field(default_factory=dict)


def setting(rule: ResourceRule | StackRule, config: Config, key: str) -> Any:
    """A rule's setting from the pack's config, else its default (the CLI fills defaults; tests may not)."""
    return config.get(key, rule.config[key])


def _list(value: Any) -> list[Any]:
    """A policy's one-or-many field as a list (the pack sees lists as read-only Sequences, not lists)."""
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]


def _document(text: Any) -> Mapping[str, Any]:
    """A policy document: JSON text as pulumi-aws takes it, or already an object."""
    document: Mapping[str, Any] = json.loads(text) if isinstance(text, str) else text
    return document


def _statements(resource: Resource) -> Iterator[Mapping[str, Any]]:
    yield from _list(_document(resource.props[POLICY_DOCUMENTS[resource.type]]).get("Statement", []))


def _allows(resource: Resource) -> Iterator[Mapping[str, Any]]:
    return (s for s in _statements(resource) if s.get("Effect") == "Allow")


def _of(resources: Sequence[Resource], typ: str) -> list[Resource]:
    return [r for r in resources if r.type == typ]


# --- one resource at a time ---


def _no_wildcard_action(resource: Resource, _: Config) -> Iterator[str]:
    for s in _allows(resource):
        for action in _list(s.get("Action", [])):
            if "*" in action:
                yield f"{resource.name} allows the wildcard action {action!r}; name each action the code calls"


def _wildcard_resource_only_where_required(resource: Resource, config: Config) -> Iterator[str]:
    allowed = set(setting(WILDCARD_RESOURCE, config, "actions"))
    for s in _allows(resource):
        if "*" in _list(s.get("Resource", [])):
            extra = sorted(set(_list(s.get("Action", []))) - allowed)
            if extra:
                yield f"{resource.name} grants {extra} on every resource; name the exact ARNs"


def _public_access_blocked(resource: Resource, _: Config) -> Iterator[str]:
    off = [k for k in BLOCKS if resource.props.get(k) is not True]
    if off:
        yield f"{resource.name} leaves {', '.join(off)} off"


def _owner_enforced(resource: Resource, _: Config) -> Iterator[str]:
    ownership = (resource.props.get("rule") or {}).get("objectOwnership")
    if ownership != "BucketOwnerEnforced":
        yield f"{resource.name} sets object ownership {ownership!r}, which leaves ACLs in force"


def _is_public(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in _list(principal.get("AWS", []))


def _bucket_policy_private(resource: Resource, _: Config) -> Iterator[str]:
    statements = list(_statements(resource))
    for s in statements:
        if s.get("Effect") == "Allow" and _is_public(s.get("Principal")):
            yield f"{resource.name} allows anyone ({s.get('Principal')!r}) to {s.get('Action')!r}"
        elif s.get("Effect") == "Allow" and not (s.get("Condition") or {}).get("StringEquals", {}).get("AWS:SourceArn"):
            yield f"{resource.name} allows {s.get('Principal')!r} without naming the distribution (AWS:SourceArn)"
    if not any(
        s.get("Effect") == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    ):
        yield f"{resource.name} does not deny requests without TLS (aws:SecureTransport false)"


def _viewers_use_https(resource: Resource, _: Config) -> Iterator[str]:
    behaviours = [
        resource.props.get("defaultCacheBehavior") or {},
        *(resource.props.get("orderedCacheBehaviors") or []),
    ]
    for b in behaviours:
        if b.get("viewerProtocolPolicy") not in SECURE_VIEWER_POLICIES:
            yield f"{resource.name} lets viewers of {b.get('pathPattern', 'the default behaviour')} use plain HTTP"


def _origins_use_tls12(resource: Resource, _: Config) -> Iterator[str]:
    for origin in resource.props.get("origins") or []:
        custom = origin.get("customOriginConfig")
        if custom and (
            custom.get("originProtocolPolicy") != "https-only"
            or list(custom.get("originSslProtocols", [])) != ["TLSv1.2"]
        ):
            yield f"{resource.name} reaches origin {origin.get('originId')!r} without HTTPS and TLS 1.2 only"


def _viewer_tls12(resource: Resource, _: Config) -> Iterator[str]:
    viewer = resource.props.get("viewerCertificate") or {}
    if resource.props.get("aliases"):
        if viewer.get("minimumProtocolVersion") != "TLSv1.2_2021" or viewer.get("sslSupportMethod") != "sni-only":
            yield f"{resource.name} accepts viewers below TLS 1.2 on its own domain"
    elif viewer != {"cloudfrontDefaultCertificate": True}:
        # With the shared *.cloudfront.net certificate AWS fixes the policy; any other setting is a mistake.
        yield f"{resource.name} has no alias but does not use CloudFront's default certificate"


def _security_headers(resource: Resource, _: Config) -> Iterator[str]:
    headers = resource.props.get("securityHeadersConfig") or {}
    csp = (headers.get("contentSecurityPolicy") or {}).get("contentSecurityPolicy", "")
    if (headers.get("strictTransportSecurity") or {}).get("accessControlMaxAgeSec", 0) < 31536000:
        yield f"{resource.name} sends HSTS for less than a year, or not at all"
    if (headers.get("frameOptions") or {}).get("frameOption") != "DENY":
        yield f"{resource.name} lets other sites frame the pages"
    if (headers.get("contentTypeOptions") or {}).get("override") is not True:
        yield f"{resource.name} does not send nosniff"
    if not csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        yield f"{resource.name} has no CSP, or one that allows inline script or eval"


def _access_logged(resource: Resource, _: Config) -> Iterator[str]:
    if not (resource.props.get("accessLogSettings") or {}).get("destinationArn"):
        yield f"{resource.name} writes no access log"


def _traced(resource: Resource, _: Config) -> Iterator[str]:
    if (resource.props.get("tracingConfig") or {}).get("mode") != "Active":
        yield f"{resource.name} is not traced with X-Ray"


def _supported_runtime(resource: Resource, config: Config) -> Iterator[str]:
    runtimes = setting(RUNTIME, config, "runtimes")
    if resource.props.get("runtime") not in runtimes:
        yield f"{resource.name} runs {resource.props.get('runtime')!r}; use one of {', '.join(runtimes)}"


def _no_secret_in_environment(resource: Resource, _: Config) -> Iterator[str]:
    variables = (resource.props.get("environment") or {}).get("variables") or {}
    for name in variables:
        if any(w in name.lower() for w in SECRET_WORDS) and not name.endswith("_PARAMETER"):
            yield f"{resource.name} has {name} in its environment; keep secrets in SSM and pass the parameter's name"


def _log_retention(resource: Resource, _: Config) -> Iterator[str]:
    if not resource.props.get("retentionInDays"):
        yield f"{resource.name} keeps logs forever; set retentionInDays"


def _table_encrypted(resource: Resource, _: Config) -> Iterator[str]:
    if (resource.props.get("serverSideEncryption") or {}).get("enabled") is not True:
        yield f"{resource.name} is not encrypted at rest"


def _queue_encrypted(resource: Resource, _: Config) -> Iterator[str]:
    if not (resource.props.get("sqsManagedSseEnabled") or resource.props.get("kmsMasterKeyId")):
        yield f"{resource.name} is not encrypted at rest"


def _parameter_secure(resource: Resource, _: Config) -> Iterator[str]:
    if resource.props.get("type") != "SecureString":
        yield f"{resource.name} is a {resource.props.get('type')!r}, not a SecureString"


def _invoke_scoped(resource: Resource, _: Config) -> Iterator[str]:
    source = resource.props.get("sourceArn") or ""
    if not source:
        yield f"{resource.name} lets {resource.props.get('principal')!r} invoke the function for anyone (no sourceArn)"
    elif resource.props.get("principal") == "apigateway.amazonaws.com" and not (
        source.startswith("arn:aws:execute-api:") and "/*/" in source
    ):
        yield f"{resource.name} lets API Gateway invoke the function beyond this API's routes ({source!r})"


def _pool_admin_only(resource: Resource, _: Config) -> Iterator[str]:
    if (resource.props.get("adminCreateUserConfig") or {}).get("allowAdminCreateUserOnly") is not True:
        yield f"{resource.name} lets anyone sign up"
    if (resource.props.get("passwordPolicy") or {}).get("minimumLength", 0) < 12:
        yield f"{resource.name} accepts passwords shorter than 12 characters"


def _client_without_secret(resource: Resource, _: Config) -> Iterator[str]:
    if resource.props.get("generateSecret") is True:
        yield f"{resource.name} has a client secret, which a browser cannot keep"
    if resource.props.get("preventUserExistenceErrors") != "ENABLED":
        yield f"{resource.name} tells a stranger which addresses have accounts"


def _source_account_only(resource: Resource, _: Config) -> Iterator[str]:
    for s in _allows(resource):
        if "aws:SourceAccount" not in (s.get("Condition") or {}).get("StringEquals", {}):
            yield f"{resource.name} lets {s.get('Principal')!r} act for any account (no aws:SourceAccount)"


# --- across the stack ---


def _functions_log_with_retention(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    groups = {g.props.get("name"): g for g in _of(resources, "aws:cloudwatch/logGroup:LogGroup")}
    for f in _of(resources, "aws:lambda/function:Function"):
        group = groups.get((f.props.get("loggingConfig") or {}).get("logGroup"))
        if group is None or not group.props.get("retentionInDays"):
            yield f"{f.name} logs to a group of the stack without a retention (Lambda's own group keeps logs forever)"


def _one_role_per_function(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    seen: dict[str, str] = {}
    for f in _of(resources, "aws:lambda/function:Function"):
        role = str(f.props.get("role"))
        if role in seen:
            yield f"{f.name} shares its role with {seen[role]}"
        seen.setdefault(role, f.name)


def _owner_routes_need_a_token(resources: Sequence[Resource], config: Config) -> Iterator[str]:
    public = set(setting(OWNER_ROUTES, config, "publicRoutes"))
    for route in _of(resources, "aws:apigatewayv2/route:Route"):
        key = route.props.get("routeKey")
        if key not in public and route.props.get("authorizationType") != "JWT":
            yield f"{route.name} ({key}) answers without a signed-in owner's token"


def _protected_table_recoverable(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    for table in _of(resources, "aws:dynamodb/table:Table"):
        if table.props.get("deletionProtectionEnabled") and not (
            (table.props.get("pointInTimeRecovery") or {}).get("enabled") and table.protect
        ):
            yield f"{table.name} has deletion protection but not point-in-time recovery and Pulumi protect"


def _bucket_read_through_oac_only(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    for oai in _of(resources, "aws:cloudfront/originAccessIdentity:OriginAccessIdentity"):
        yield f"{oai.name} is a legacy origin access identity; use origin access control"
    for d in _of(resources, "aws:cloudfront/distribution:Distribution"):
        for origin in d.props.get("origins") or []:
            if "customOriginConfig" not in origin and not origin.get("originAccessControlId"):
                yield f"{d.name} reads bucket origin {origin.get('originId')!r} unsigned (no origin access control)"


def _api_origins(resources: Sequence[Resource]) -> Iterator[tuple[Resource, Props]]:
    for d in _of(resources, "aws:cloudfront/distribution:Distribution"):
        for origin in d.props.get("origins") or []:
            if "customOriginConfig" in origin:
                yield d, origin


def _api_only_through_the_edge(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    for d, origin in _api_origins(resources):
        headers = {h.get("name"): h.get("value") for h in origin.get("customHeaders") or []}
        if not headers.get(ORIGIN_PROOF):
            yield f"{d.name} reaches origin {origin.get('originId')!r} without the {ORIGIN_PROOF} secret"
    invoked = {str(p.props.get("function")) for p in _of(resources, "aws:lambda/permission:Permission")
               if p.props.get("principal") == "apigateway.amazonaws.com"}  # fmt: skip
    for f in _of(resources, "aws:lambda/function:Function"):
        variables = (f.props.get("environment") or {}).get("variables") or {}
        if str(f.props.get("name")) in invoked and not variables.get(EDGE_PROOF_VARIABLE):
            yield f"{f.name} answers API requests without requiring the edge's secret ({EDGE_PROOF_VARIABLE})"
    if _of(resources, "aws:apigatewayv2/domainName:DomainName"):
        for api in _of(resources, "aws:apigatewayv2/api:Api"):
            if api.props.get("disableExecuteApiEndpoint") is not True:
                yield f"{api.name} has its own domain but still answers at API Gateway's default URL"


def _visitor_address_from_the_edge(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    functions = {str(f.props.get("arn")): f for f in _of(resources, "aws:cloudfront/function:Function")}
    for d, origin in _api_origins(resources):
        for b in d.props.get("orderedCacheBehaviors") or []:
            if b.get("targetOriginId") != origin.get("originId"):
                continue
            viewer = [a for a in b.get("functionAssociations") or [] if a.get("eventType") == "viewer-request"]
            code = [
                str(functions[a["functionArn"]].props.get("code")) for a in viewer if a.get("functionArn") in functions
            ]
            if not any(VIEWER_ADDRESS in c and "event.viewer.ip" in c for c in code):
                yield f"{d.name} forwards {b.get('pathPattern')} without writing {VIEWER_ADDRESS} from event.viewer.ip"


def _mentions(value: Any, text: str) -> bool:
    """Whether `text` is one of the strings anywhere in a property (the pack sees read-only mappings, not dicts)."""
    if isinstance(value, str):
        return value == text
    if isinstance(value, Mapping):
        return any(_mentions(v, text) for v in value.values())
    if isinstance(value, Sequence):
        return any(_mentions(v, text) for v in value)
    return False


def _contact_rate_limited(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    acls = {str(a.props.get("arn")): a for a in _of(resources, "aws:wafv2/webAcl:WebAcl")}
    for d in _of(resources, "aws:cloudfront/distribution:Distribution"):
        acl = acls.get(str(d.props.get("webAclId")))
        if acl is None:
            yield f"{d.name} has no web ACL: one address may post the contact form as fast as the API's throttle allows"
            continue
        if not any(
            _mentions(rule.get("statement"), CONTACT_PATH)
            and ((rule.get("statement") or {}).get("rateBasedStatement") or {}).get("aggregateKeyType") == "IP"
            for rule in acl.props.get("rules") or []
        ):
            yield f"{acl.name} has no per-IP rate rule on {CONTACT_PATH}"


def _counters_expire(resource: Resource, _: Config) -> Iterator[str]:
    if resource.props.get("hashKey") == COUNTER_KEY and (resource.props.get("ttl") or {}).get("enabled") is not True:
        yield f"{resource.name} keeps visitors' addresses without a TTL"


def _mail_domains(resources: Sequence[Resource]) -> list[Resource]:
    identities = _of(resources, "aws:sesv2/emailIdentity:EmailIdentity")
    return [i for i in identities if "@" not in str(i.props.get("emailIdentity", "@"))]


def _mail_signed(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    records = _of(resources, "aws:route53/record:Record")
    for identity in _mail_domains(resources):
        dkim = [r for r in records if "._domainkey." in str(r.props.get("name"))]
        if (identity.props.get("dkimSigningAttributes") or {}).get("nextSigningKeyLength") != "RSA_2048_BIT":
            yield f"{identity.name} does not sign with 2048-bit Easy DKIM"
        if len(dkim) != 3:
            yield f"{identity.name} has {len(dkim)} DKIM records in the zone, not Easy DKIM's 3"


def _mail_from_aligned(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    if not _mail_domains(resources):
        return
    mail_from = _of(resources, "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes")
    mx = [r.props.get("name") for r in _of(resources, "aws:route53/record:Record") if r.props.get("type") == "MX"]
    if len(mail_from) != 1 or mx != [mail_from[0].props.get("mailFromDomain")]:
        yield "the mail domain's envelope sender is not its own MAIL FROM subdomain with one MX record (SPF alignment)"


def _mail_through_configuration_set(resources: Sequence[Resource], _: Config) -> Iterator[str]:
    sets = _of(resources, "aws:sesv2/configurationSet:ConfigurationSet")
    names = {s.props.get("configurationSetName") for s in sets}
    for identity in _mail_domains(resources):
        if identity.props.get("configurationSetName") not in names:
            yield f"{identity.name} sends without its configuration set, so bounces and complaints go unseen"
    events = _of(resources, "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")
    if sets and _of(resources, "aws:sns/topic:Topic"):
        watched = [set((e.props.get("eventDestination") or {}).get("matchingEventTypes", [])) for e in events]
        if not any({"BOUNCE", "COMPLAINT"} <= w for w in watched):
            yield "bounces and complaints of the mail domain do not reach the alarm topic"


def _rule(name: str, why: str, types: tuple[str, ...] | str, check: Callable[[Resource, Config], Iterable[str]],
          **config: Any) -> ResourceRule:  # fmt: skip
    return ResourceRule(name, why, (types,) if isinstance(types, str) else types, check, config)


WILDCARD_RESOURCE = _rule(
    "iam-wildcard-resource-only-where-required",
    "IAM.21: no wildcard resource except where AWS has no resource-level permission (X-Ray writes, ListStreams).",
    tuple(POLICY_DOCUMENTS),
    _wildcard_resource_only_where_required,
    actions=list(WILDCARD_RESOURCE_ACTIONS),
)
RUNTIME = _rule(
    "lambda-supported-runtime",
    "Lambda.2: functions run on a supported runtime.",
    "aws:lambda/function:Function",
    _supported_runtime,
    runtimes=list(SUPPORTED_RUNTIMES),
)
OWNER_ROUTES = StackRule(
    "owner-routes-need-a-token",
    "Every route but the public ones (the contact form, the 404 catch-all) requires a Cognito JWT.",
    _owner_routes_need_a_token,
    {"publicRoutes": list(PUBLIC_ROUTES)},
)

RESOURCE_RULES = [
    _rule(
        "s3-public-access-blocked",
        "S3.8/AWSGuard s3-bucket-public-access: all four public-access blocks, so no enquiry page is reachable "
        "around CloudFront.",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        _public_access_blocked,
    ),
    _rule(
        "s3-bucket-owner-enforced",
        "S3.12: ACLs are disabled (bucket owner enforced), so no object can be made public by an ACL.",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        _owner_enforced,
    ),
    _rule(
        "s3-bucket-policy-private-and-tls-only",
        "S3.2/S3.5: the bucket policy lets only the distribution read (AWS:SourceArn) and refuses requests "
        "without TLS.",
        "aws:s3/bucketPolicy:BucketPolicy",
        _bucket_policy_private,
    ),
    _rule(
        "cloudfront-viewers-https",
        "CloudFront.3: viewers speak HTTPS only (a plain-HTTP request is redirected or refused).",
        "aws:cloudfront/distribution:Distribution",
        _viewers_use_https,
    ),
    _rule(
        "cloudfront-origins-tls12",
        "CloudFront.9: the distribution reaches the API over HTTPS with TLS 1.2 only.",
        "aws:cloudfront/distribution:Distribution",
        _origins_use_tls12,
    ),
    _rule(
        "cloudfront-viewer-tls12",
        "CloudFront.7/AWSGuard cloudfront-tls: on a custom domain the edge accepts only TLS 1.2+ (AWS fixes the "
        "policy of the shared certificate).",
        "aws:cloudfront/distribution:Distribution",
        _viewer_tls12,
    ),
    _rule(
        "security-headers",
        "HSTS, frame denial, nosniff and a CSP without inline script stop downgrade, clickjacking and injected script.",
        "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        _security_headers,
    ),
    _rule(
        "iam-no-wildcard-action",
        "IAM.1/AWSGuard iam-no-wildcard-action: no policy allows a wildcard action.",
        tuple(POLICY_DOCUMENTS),
        _no_wildcard_action,
    ),
    WILDCARD_RESOURCE,
    _rule(
        "api-access-logs",
        "APIGateway.9: the API stage writes access logs, so every request can be traced by its id.",
        "aws:apigatewayv2/stage:Stage",
        _access_logged,
    ),
    _rule("lambda-tracing", "Lambda.7: every function is traced with X-Ray.", "aws:lambda/function:Function", _traced),
    RUNTIME,
    _rule(
        "lambda-no-secret-in-environment",
        "Lambda.3: no secret in any function's environment (secrets live in SSM SecureString).",
        "aws:lambda/function:Function",
        _no_secret_in_environment,
    ),
    _rule(
        "log-retention",
        "CloudWatch.16: every log group has a retention, so personal data in errors does not live forever.",
        "aws:cloudwatch/logGroup:LogGroup",
        _log_retention,
    ),
    _rule(
        "lambda-invoke-scoped",
        "Lambda.1: only this API may invoke a function, on the function's own route.",
        "aws:lambda/permission:Permission",
        _invoke_scoped,
    ),
    _rule(
        "dynamodb-counters-expire",
        "A table that counts visitors by address expires each item (TTL): addresses are personal data.",
        "aws:dynamodb/table:Table",
        _counters_expire,
    ),
    _rule(
        "dynamodb-encrypted",
        "The table is encrypted at rest.",
        "aws:dynamodb/table:Table",
        _table_encrypted,
    ),
    _rule(
        "sqs-encrypted",
        "SQS.1: the dead-letter queue (enquiry contents) is encrypted at rest.",
        "aws:sqs/queue:Queue",
        _queue_encrypted,
    ),
    _rule(
        "ssm-secure-string",
        "Secret settings stay encrypted in SSM (SecureString).",
        "aws:ssm/parameter:Parameter",
        _parameter_secure,
    ),
    _rule(
        "cognito-admin-created-owners",
        "Owners are created by an administrator and use passwords of 12 characters or more.",
        "aws:cognito/userPool:UserPool",
        _pool_admin_only,
    ),
    _rule(
        "cognito-browser-client",
        "The browser's client has no secret to leak and does not reveal which addresses have accounts.",
        "aws:cognito/userPoolClient:UserPoolClient",
        _client_without_secret,
    ),
    _rule(
        "ses-sending-authorization-own-account",
        "Cognito may send as the mail domain only for this account (no confused deputy).",
        "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy",
        _source_account_only,
    ),
]

STACK_RULES = [
    StackRule(
        "lambda-log-group-retention",
        "CloudWatch.16 for functions: each logs to a group of the stack that has a retention, not to Lambda's "
        "default group, which keeps logs forever.",
        _functions_log_with_retention,
    ),
    StackRule(
        "lambda-one-role-per-function",
        "A compromise of one function does not grant another's permissions.",
        _one_role_per_function,
    ),
    OWNER_ROUTES,
    StackRule(
        "dynamodb-protected-table-recoverable",
        "DynamoDB.2/DynamoDB.6: a table kept from deletion also has point-in-time recovery and Pulumi protect.",
        _protected_table_recoverable,
    ),
    StackRule(
        "cloudfront-bucket-through-oac",
        "CloudFront.13: only this distribution, signed with origin access control, reads the bucket (no legacy OAI).",
        _bucket_read_through_oac_only,
    ),
    StackRule(
        "api-only-through-the-edge",
        "CloudFront sends the API a secret every function requires, and with a domain API Gateway's own URL is "
        "off: nothing bypasses the distribution and its firewall.",
        _api_only_through_the_edge,
    ),
    StackRule(
        "api-visitor-address-from-the-edge",
        "A CloudFront Function writes each API request's visitor address from the connection, so no visitor "
        "chooses the address its posts are counted against.",
        _visitor_address_from_the_edge,
    ),
    StackRule(
        "waf-contact-rate-per-ip",
        "The distribution has a web ACL with a per-IP rate rule on the contact form (lower it to advisory for a "
        "stack run without WAF).",
        _contact_rate_limited,
    ),
    StackRule(
        "ses-dkim",
        "With a mail domain, SES signs with 2048-bit Easy DKIM and its three CNAMEs are in the zone (DMARC).",
        _mail_signed,
    ),
    StackRule(
        "ses-mail-from",
        "With a mail domain, the envelope sender is its own subdomain with SES's feedback MX (SPF alignment).",
        _mail_from_aligned,
    ),
    StackRule(
        "ses-configuration-set",
        "Every email from the mail domain goes through its configuration set, whose bounces and complaints reach "
        "the alarm topic.",
        _mail_through_configuration_set,
    ),
]


def violations(resources: Sequence[Resource], config: Mapping[str, Config] | None = None) -> dict[str, list[str]]:
    """Every rule's violations over a whole stack, by rule name (the tests' view of what the pack reports)."""
    config = config or {}
    found: dict[str, list[str]] = {}
    for rule in RESOURCE_RULES:
        for resource in resources:
            if resource.type in rule.types:
                found.setdefault(rule.name, []).extend(rule.check(resource, config.get(rule.name, {})))
    for stack_rule in STACK_RULES:
        found.setdefault(stack_rule.name, []).extend(stack_rule.check(resources, config.get(stack_rule.name, {})))
    return {name: messages for name, messages in found.items() if messages}
