"""Each declared resource as the AWS API call its provider makes to create it, checked against botocore's
service model of that call: required members, types, enums, lengths, value ranges and patterns.

`CALLS` is the one table from a Pulumi resource type to that call: a function that builds the request from
the resource's inputs, with Pulumi's auto-naming applied where the program gives no name. A type missing
from the table fails the check, so a new resource cannot slip by. Members the provider fills in itself
(a caller reference, a quantity, the code zip) are `PROVIDER`: present, not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import botocore.session
import regex
from botocore.model import Shape, StructureShape

PROVIDER = object()  # a member the provider computes (e.g. a CloudFront Quantity): present, not checked
# Pulumi's auto-naming: the logical name, a dash and 7 random hex characters.
AUTO_NAME_SUFFIX = "-" + "a" * 7


@dataclass(frozen=True)
class Call:
    service: str  # botocore's service name
    operation: str
    request: Callable[[Any], dict[str, Any]]  # Declared -> the call's parameters


@dataclass(frozen=True)
class ProseLimit:
    """A limit the service states in words, not in its model's shape (with where it says so)."""

    operation: str
    member: str
    check: Callable[[Any], bool]
    says: str


# Limits botocore's shapes do not carry. Each is quoted from the model's own documentation or AWS's quotas.
PROSE_LIMITS = (
    ProseLimit(
        "lambda.CreateFunction",
        "FunctionName",
        lambda v: ":" in v or len(v) <= 64,
        "a bare function name is limited to 64 characters (the member's documentation in botocore's model)",
    ),
    ProseLimit(
        "lambda.CreateFunction",
        "MemorySize",
        lambda v: v <= 10240,
        "at most 10,240 MB for a function on Lambda's own fleet (Lambda quotas; the model's 32,768 is for Lambda "
        "Managed Instances)",
    ),
    ProseLimit(
        "s3.CreateBucket",
        "Bucket",
        lambda v: regex.fullmatch(r"(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", v) is not None and ".." not in v,
        "3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit "
        "(S3's bucket naming rules)",
    ),
)


def auto_name(declared: Any, key: str = "name") -> str:
    """The physical name: the program's, or Pulumi's auto-name of the logical name (8 characters longer)."""
    return declared.inputs.get(key) or f"{declared.name}{AUTO_NAME_SUFFIX}"


def pascal(value: Any, renames: dict[str, str] | None = None) -> Any:
    """Pulumi's camelCase inputs as the API's PascalCase members (the two differ only in case, but for renames)."""
    renames = renames or {}
    if isinstance(value, dict):
        return {renames.get(k, k[:1].upper() + k[1:]): pascal(v, renames) for k, v in value.items()}
    if isinstance(value, list):
        return [pascal(v, renames) for v in value]
    return value


def _items(values: list[Any] | None) -> dict[str, Any]:
    """CloudFront's list wrapper: {Quantity, Items}."""
    return {"Quantity": PROVIDER, "Items": values or []}


def _cache_behavior(b: dict[str, Any]) -> dict[str, Any]:
    return {
        **({"PathPattern": b["pathPattern"]} if "pathPattern" in b else {}),
        "TargetOriginId": b["targetOriginId"],
        "ViewerProtocolPolicy": b["viewerProtocolPolicy"],
        "AllowedMethods": {**_items(b["allowedMethods"]), "CachedMethods": _items(b["cachedMethods"])},
        "Compress": b.get("compress", False),
        "CachePolicyId": b.get("cachePolicyId"),
        **({"OriginRequestPolicyId": b["originRequestPolicyId"]} if "originRequestPolicyId" in b else {}),
        **({"ResponseHeadersPolicyId": b["responseHeadersPolicyId"]} if "responseHeadersPolicyId" in b else {}),
        **(
            {
                "FunctionAssociations": _items(
                    [{"FunctionARN": f["functionArn"], "EventType": f["eventType"]} for f in b["functionAssociations"]]
                )
            }
            if "functionAssociations" in b
            else {}
        ),
    }


def _origin(o: dict[str, Any]) -> dict[str, Any]:
    origin = {"Id": o["originId"], "DomainName": o["domainName"]}
    if "originAccessControlId" in o:
        origin |= {"OriginAccessControlId": o["originAccessControlId"], "S3OriginConfig": {"OriginAccessIdentity": ""}}
    if "customOriginConfig" in o:
        c = o["customOriginConfig"]
        origin["CustomOriginConfig"] = {
            "HTTPPort": c["httpPort"],
            "HTTPSPort": c["httpsPort"],
            "OriginProtocolPolicy": c["originProtocolPolicy"],
            "OriginSslProtocols": _items(c["originSslProtocols"]),
        }
    if "customHeaders" in o:
        headers = [{"HeaderName": h["name"], "HeaderValue": h["value"]} for h in o["customHeaders"]]
        origin["CustomHeaders"] = _items(headers)
    return origin


def _distribution(d: Any) -> dict[str, Any]:
    i = d.inputs
    cert = i["viewerCertificate"]
    viewer_certificate = (
        {"CloudFrontDefaultCertificate": True}
        if cert.get("cloudfrontDefaultCertificate")
        else {
            "ACMCertificateArn": cert["acmCertificateArn"],
            "SSLSupportMethod": cert["sslSupportMethod"],
            "MinimumProtocolVersion": cert["minimumProtocolVersion"],
        }
    )
    config = {
        "CallerReference": PROVIDER,
        "Aliases": _items(i.get("aliases")),
        "DefaultRootObject": i.get("defaultRootObject", ""),
        "Origins": _items([_origin(o) for o in i["origins"]]),
        "DefaultCacheBehavior": _cache_behavior(i["defaultCacheBehavior"]),
        "CacheBehaviors": _items([_cache_behavior(b) for b in i.get("orderedCacheBehaviors", [])]),
        "CustomErrorResponses": _items(
            [
                {
                    "ErrorCode": e["errorCode"],
                    "ResponsePagePath": e["responsePagePath"],
                    "ResponseCode": str(int(e["responseCode"])),
                    "ErrorCachingMinTTL": e.get("errorCachingMinTtl", 10),
                }
                for e in i.get("customErrorResponses", [])
            ]
        ),
        "Comment": i.get("comment", ""),
        "PriceClass": i["priceClass"],
        "Enabled": i["enabled"],
        "ViewerCertificate": viewer_certificate,
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": PROVIDER}},
        "WebACLId": i.get("webAclId", ""),
        "HttpVersion": i.get("httpVersion", "http2"),
        "IsIPV6Enabled": i.get("isIpv6Enabled", False),
    }
    return {"DistributionConfig": config}


def _headers_policy(d: Any) -> dict[str, Any]:
    security = pascal(
        d.inputs["securityHeadersConfig"],
        {"includeSubdomains": "IncludeSubdomains", "accessControlMaxAgeSec": "AccessControlMaxAgeSec"},
    )
    return {"ResponseHeadersPolicyConfig": {"Name": auto_name(d), "SecurityHeadersConfig": security}}


def _table(d: Any) -> dict[str, Any]:
    i = d.inputs
    return {
        "TableName": auto_name(d),
        "AttributeDefinitions": [{"AttributeName": a["name"], "AttributeType": a["type"]} for a in i["attributes"]],
        "KeySchema": [{"AttributeName": i["hashKey"], "KeyType": "HASH"}]
        + ([{"AttributeName": i["rangeKey"], "KeyType": "RANGE"}] if "rangeKey" in i else []),
        "GlobalSecondaryIndexes": [
            {
                "IndexName": g["name"],
                "KeySchema": [{"AttributeName": k["attributeName"], "KeyType": k["keyType"]} for k in g["keySchemas"]],
                "Projection": {
                    "ProjectionType": g["projectionType"],
                    **({"NonKeyAttributes": g["nonKeyAttributes"]} if "nonKeyAttributes" in g else {}),
                },
            }
            for g in i.get("globalSecondaryIndexes", [])
        ],
        "BillingMode": i["billingMode"],
        **(
            {"StreamSpecification": {"StreamEnabled": i["streamEnabled"], "StreamViewType": i["streamViewType"]}}
            if i.get("streamEnabled")
            else {}
        ),
        "SSESpecification": {"Enabled": i["serverSideEncryption"]["enabled"]},
        "DeletionProtectionEnabled": i.get("deletionProtectionEnabled", False),
    }


def _function(d: Any) -> dict[str, Any]:
    i = d.inputs
    logging = i["loggingConfig"]
    return {
        "FunctionName": auto_name(d),
        "Runtime": i["runtime"],
        "Role": i["role"],
        "Handler": i["handler"],
        "Code": PROVIDER,
        "Timeout": i["timeout"],
        "MemorySize": i["memorySize"],
        "Architectures": i["architectures"],
        "TracingConfig": {"Mode": i["tracingConfig"]["mode"]},
        "Environment": {"Variables": i.get("environment", {}).get("variables", {})},
        "LoggingConfig": pascal(logging),
    }


def _web_acl(d: Any) -> dict[str, Any]:
    renames = {
        "cloudwatchMetricsEnabled": "CloudWatchMetricsEnabled",
        "managedRuleGroupStatement": "ManagedRuleGroupStatement",
    }
    i = pascal(d.inputs, renames)
    return {
        "Name": auto_name(d),
        "Scope": i["Scope"],
        "DefaultAction": i["DefaultAction"],
        "VisibilityConfig": i["VisibilityConfig"],
        "Rules": i.get("Rules", []),
    }


def _alarm(d: Any) -> dict[str, Any]:
    i = d.inputs
    return {
        "AlarmName": auto_name(d),
        "AlarmDescription": i.get("alarmDescription", ""),
        "Namespace": i["namespace"],
        "MetricName": i["metricName"],
        "Dimensions": [{"Name": k, "Value": v} for k, v in i.get("dimensions", {}).items()],
        "Statistic": i["statistic"],
        "Period": i["period"],
        "EvaluationPeriods": i["evaluationPeriods"],
        "Threshold": i["threshold"],
        "ComparisonOperator": i["comparisonOperator"],
        "TreatMissingData": i["treatMissingData"],
        "AlarmActions": i.get("alarmActions", []),
        "OKActions": i.get("okActions", []),
    }


def _record(d: Any) -> dict[str, Any]:
    i = d.inputs
    record: dict[str, Any] = {"Name": i["name"], "Type": i["type"]}
    if "aliases" in i:
        (alias,) = i["aliases"]
        record["AliasTarget"] = {
            "HostedZoneId": alias["zoneId"],
            "DNSName": alias["name"],
            "EvaluateTargetHealth": alias["evaluateTargetHealth"],
        }
    else:
        record |= {"TTL": i["ttl"], "ResourceRecords": [{"Value": v} for v in i["records"]]}
    change = {"Action": "UPSERT", "ResourceRecordSet": record}
    return {"HostedZoneId": i["zoneId"], "ChangeBatch": {"Changes": [change]}}


_LIFECYCLE_ACTIONS = ("expiration", "noncurrentVersionExpiration", "abortIncompleteMultipartUpload")


def _lifecycle(d: Any) -> dict[str, Any]:
    rules = [
        {
            "ID": r["id"],
            "Status": r["status"],
            "Filter": pascal(r.get("filter", {})),
            **{a[:1].upper() + a[1:]: pascal(r[a]) for a in _LIFECYCLE_ACTIONS if a in r},
        }
        for r in d.inputs["rules"]
    ]
    return {"Bucket": d.inputs["bucket"], "LifecycleConfiguration": {"Rules": rules}}


CALLS: dict[str, Call | None] = {
    "aws:lambda/function:Function": Call("lambda", "CreateFunction", _function),
    "aws:lambda/permission:Permission": Call(
        "lambda",
        "AddPermission",
        lambda d: {
            "FunctionName": d.inputs["function"],
            "StatementId": auto_name(d, "statementId"),
            "Action": d.inputs["action"],
            "Principal": d.inputs["principal"],
            "SourceArn": d.inputs["sourceArn"],
        },
    ),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": Call(
        "lambda",
        "PutFunctionEventInvokeConfig",
        lambda d: {
            "FunctionName": d.inputs["functionName"],
            "MaximumRetryAttempts": d.inputs["maximumRetryAttempts"],
            "MaximumEventAgeInSeconds": d.inputs["maximumEventAgeInSeconds"],
        },
    ),
    "aws:lambda/eventSourceMapping:EventSourceMapping": Call(
        "lambda",
        "CreateEventSourceMapping",
        lambda d: (
            pascal(
                {k: v for k, v in d.inputs.items() if k != "destinationConfig"},
                {"bisectBatchOnFunctionError": "BisectBatchOnFunctionError"},
            )
            | {
                "DestinationConfig": {
                    "OnFailure": {"Destination": d.inputs["destinationConfig"]["onFailure"]["destinationArn"]}
                }
            }
        ),
    ),
    "aws:iam/role:Role": Call(
        "iam",
        "CreateRole",
        lambda d: {"RoleName": auto_name(d), "AssumeRolePolicyDocument": d.inputs["assumeRolePolicy"]},
    ),
    "aws:iam/rolePolicy:RolePolicy": Call(
        "iam",
        "PutRolePolicy",
        lambda d: {"RoleName": d.inputs["role"], "PolicyName": auto_name(d), "PolicyDocument": d.inputs["policy"]},
    ),
    "aws:cloudwatch/logGroup:LogGroup": Call(
        "logs",
        "PutRetentionPolicy",  # CreateLogGroup takes only the name, which this call checks too
        lambda d: {"logGroupName": auto_name(d), "retentionInDays": d.inputs["retentionInDays"]},
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": Call("cloudwatch", "PutMetricAlarm", _alarm),
    "aws:dynamodb/table:Table": Call("dynamodb", "CreateTable", _table),
    "aws:apigatewayv2/api:Api": Call(
        "apigatewayv2",
        "CreateApi",
        lambda d: {
            "Name": auto_name(d),
            "ProtocolType": d.inputs["protocolType"],
            "DisableExecuteApiEndpoint": d.inputs.get("disableExecuteApiEndpoint", False),
        },
    ),
    "aws:apigatewayv2/domainName:DomainName": Call(
        "apigatewayv2",
        "CreateDomainName",
        lambda d: {
            "DomainName": d.inputs["domainName"],
            "DomainNameConfigurations": [
                pascal(d.inputs["domainNameConfiguration"], {"certificateArn": "CertificateArn"})
            ],
        },
    ),
    "aws:apigatewayv2/apiMapping:ApiMapping": Call("apigatewayv2", "CreateApiMapping", lambda d: pascal(d.inputs)),
    "aws:apigatewayv2/route:Route": Call(
        "apigatewayv2",
        "CreateRoute",
        lambda d: pascal(d.inputs) | {"AuthorizationType": d.inputs.get("authorizationType", "NONE")},
    ),
    "aws:apigatewayv2/integration:Integration": Call("apigatewayv2", "CreateIntegration", lambda d: pascal(d.inputs)),
    "aws:apigatewayv2/stage:Stage": Call(
        "apigatewayv2",
        "CreateStage",
        lambda d: (
            pascal({k: v for k, v in d.inputs.items() if k not in ("name", "routeSettings")})
            | {
                "StageName": d.inputs["name"],
                # Pulumi lists route settings; the API keys them by route.
                "RouteSettings": {
                    r["routeKey"]: pascal({k: v for k, v in r.items() if k != "routeKey"})
                    for r in d.inputs.get("routeSettings", [])
                },
            }
        ),
    ),
    "aws:apigatewayv2/authorizer:Authorizer": Call(
        "apigatewayv2",
        "CreateAuthorizer",
        lambda d: {
            "ApiId": d.inputs["apiId"],
            "AuthorizerType": d.inputs["authorizerType"],
            "IdentitySource": d.inputs["identitySources"],
            "Name": auto_name(d),
            "JwtConfiguration": {
                "Issuer": d.inputs["jwtConfiguration"]["issuer"],
                "Audience": d.inputs["jwtConfiguration"]["audiences"],
            },
        },
    ),
    "aws:cognito/userPool:UserPool": Call(
        "cognito-idp",
        "CreateUserPool",
        lambda d: (
            pascal(
                {k: v for k, v in d.inputs.items() if k not in ("passwordPolicy", "softwareTokenMfaConfiguration")},
                {"fromEmailAddress": "From"},
            )
            | {"PoolName": auto_name(d), "Policies": {"PasswordPolicy": pascal(d.inputs["passwordPolicy"])}}
        ),
    ),
    "aws:cognito/userPoolClient:UserPoolClient": Call(
        "cognito-idp", "CreateUserPoolClient", lambda d: pascal(d.inputs) | {"ClientName": auto_name(d)}
    ),
    "aws:cognito/user:User": Call(
        "cognito-idp",
        "AdminCreateUser",
        lambda d: {
            "UserPoolId": d.inputs["userPoolId"],
            "Username": d.inputs["username"],
            "UserAttributes": [{"Name": k, "Value": v} for k, v in d.inputs["attributes"].items()],
            "DesiredDeliveryMediums": d.inputs["desiredDeliveryMediums"],
        },
    ),
    "aws:cloudfront/distribution:Distribution": Call("cloudfront", "CreateDistribution", _distribution),
    "aws:cloudfront/function:Function": Call(
        "cloudfront",
        "CreateFunction",
        lambda d: {
            "Name": auto_name(d),
            "FunctionConfig": {"Comment": d.inputs["comment"], "Runtime": d.inputs["runtime"]},
            "FunctionCode": d.inputs["code"].encode(),
        },
    ),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": Call(
        "cloudfront", "CreateResponseHeadersPolicy", _headers_policy
    ),
    "aws:cloudfront/originAccessControl:OriginAccessControl": Call(
        "cloudfront",
        "CreateOriginAccessControl",
        lambda d: {"OriginAccessControlConfig": pascal(d.inputs) | {"Name": auto_name(d)}},
    ),
    "aws:s3/bucket:Bucket": Call("s3", "CreateBucket", lambda d: {"Bucket": auto_name(d, "bucket")}),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": Call(
        "s3",
        "PutPublicAccessBlock",
        lambda d: {
            "Bucket": d.inputs["bucket"],
            "PublicAccessBlockConfiguration": pascal({k: v for k, v in d.inputs.items() if k != "bucket"}),
        },
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": Call(
        "s3",
        "PutBucketOwnershipControls",
        lambda d: {"Bucket": d.inputs["bucket"], "OwnershipControls": {"Rules": [pascal(d.inputs["rule"])]}},
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": Call(
        "s3",
        "PutBucketEncryption",
        lambda d: {
            "Bucket": d.inputs["bucket"],
            "ServerSideEncryptionConfiguration": {
                "Rules": pascal(d.inputs["rules"], {"sseAlgorithm": "SSEAlgorithm"}),
            },
        },
    ),
    "aws:s3/bucketVersioning:BucketVersioning": Call(
        "s3",
        "PutBucketVersioning",
        lambda d: {
            "Bucket": d.inputs["bucket"],
            "VersioningConfiguration": {"Status": d.inputs["versioningConfiguration"]["status"]},
        },
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": Call(
        "s3", "PutBucketLifecycleConfiguration", _lifecycle
    ),
    "aws:s3/bucketPolicy:BucketPolicy": Call(
        "s3", "PutBucketPolicy", lambda d: {"Bucket": d.inputs["bucket"], "Policy": d.inputs["policy"]}
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": Call(
        "s3",
        "PutObject",
        lambda d: {
            "Bucket": d.inputs["bucket"],
            "Key": d.inputs["key"],
            "ContentType": d.inputs["contentType"],
            "CacheControl": d.inputs["cacheControl"],
        },
    ),
    "aws:sqs/queue:Queue": Call(
        "sqs",
        "CreateQueue",
        lambda d: {
            "QueueName": auto_name(d),
            "Attributes": {
                "MessageRetentionPeriod": str(int(d.inputs["messageRetentionSeconds"])),
                "SqsManagedSseEnabled": str(d.inputs["sqsManagedSseEnabled"]).lower(),
            },
        },
    ),
    "aws:sns/topic:Topic": Call("sns", "CreateTopic", lambda d: {"Name": auto_name(d)}),
    "aws:sns/topicSubscription:TopicSubscription": Call(
        "sns",
        "Subscribe",
        lambda d: {"TopicArn": d.inputs["topic"], "Protocol": d.inputs["protocol"], "Endpoint": d.inputs["endpoint"]},
    ),
    "aws:ssm/parameter:Parameter": Call(
        "ssm",
        "PutParameter",
        lambda d: {"Name": auto_name(d), "Type": d.inputs["type"], "Value": d.inputs["value"]["value"]},
    ),
    "aws:sesv2/emailIdentity:EmailIdentity": Call(
        "sesv2",
        "CreateEmailIdentity",
        lambda d: (
            pascal({k: v for k, v in d.inputs.items() if k in ("emailIdentity", "configurationSetName")})
            | (
                {"DkimSigningAttributes": pascal(d.inputs["dkimSigningAttributes"])}
                if "dkimSigningAttributes" in d.inputs
                else {}
            )
        ),
    ),
    "aws:sesv2/configurationSet:ConfigurationSet": Call(
        "sesv2", "CreateConfigurationSet", lambda d: {"ConfigurationSetName": d.inputs["configurationSetName"]}
    ),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": Call(
        "sesv2",
        "CreateConfigurationSetEventDestination",
        lambda d: pascal(d.inputs, {"topicArn": "TopicArn"}),
    ),
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": Call(
        "sesv2",
        "PutEmailIdentityMailFromAttributes",
        lambda d: pascal(d.inputs, {"behaviorOnMxFailure": "BehaviorOnMxFailure"}),
    ),
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": Call(
        "sesv2", "CreateEmailIdentityPolicy", lambda d: pascal(d.inputs)
    ),
    "aws:sns/topicPolicy:TopicPolicy": Call(
        "sns",
        "SetTopicAttributes",
        lambda d: {"TopicArn": d.inputs["arn"], "AttributeName": "Policy", "AttributeValue": d.inputs["policy"]},
    ),
    "aws:wafv2/webAcl:WebAcl": Call("wafv2", "CreateWebACL", _web_acl),
    "aws:cloudwatch/eventRule:EventRule": Call(
        "events",
        "PutRule",
        lambda d: {
            "Name": auto_name(d),
            "ScheduleExpression": d.inputs["scheduleExpression"],
            "Description": d.inputs["description"],
        },
    ),
    "aws:cloudwatch/eventTarget:EventTarget": Call(
        "events",
        "PutTargets",
        lambda d: {"Rule": d.inputs["rule"], "Targets": [{"Id": PROVIDER, "Arn": d.inputs["arn"]}]},
    ),
    "aws:acm/certificate:Certificate": Call(
        "acm",
        "RequestCertificate",
        lambda d: {"DomainName": d.inputs["domainName"], "ValidationMethod": d.inputs["validationMethod"]},
    ),
    "aws:route53/record:Record": Call("route53", "ChangeResourceRecordSets", _record),
    # No AWS call creates it: the provider waits until ACM has validated the certificate.
    "aws:acm/certificateValidation:CertificateValidation": None,
    # No AWS call either: the program's own dynamic provider makes the random value (components/edge_secret.py).
    "pulumi-python:dynamic:Resource": None,
}


class Checker:
    """Checks requests against botocore's service models, loaded once."""

    def __init__(self) -> None:
        self.session = botocore.session.get_session()

    def input_shape(self, service: str, operation: str) -> StructureShape:
        return self.session.get_service_model(service).operation_model(operation).input_shape

    def program_problems(self, program: Any) -> list[str]:
        """Every problem of every AWS resource a program declared (its own components create nothing)."""
        return [p for r in program.resources if not r.typ.startswith("ctd:") for p in self.problems(r.typ, r.name, r)]

    def problems(self, typ: str, name: str, declared: Any) -> list[str]:
        if typ not in CALLS:
            return [f"{typ} ({name}) has no entry in CALLS: add the AWS call its provider makes"]
        call = CALLS[typ]
        if call is None:
            return []
        request = call.request(declared)
        where = f"{typ} {name} -> {call.service}.{call.operation}"
        found = list(check(request, self.input_shape(call.service, call.operation), where))
        for limit in PROSE_LIMITS:
            if limit.operation == f"{call.service}.{call.operation}" and limit.member in request:
                value = request[limit.member]
                if value is not PROVIDER and not limit.check(value):
                    found.append(f"{where}.{limit.member}={value!r}: {limit.says}")
        return found


def check(value: Any, shape: Shape, where: str) -> Iterator[str]:
    """Every way `value` breaks `shape`: a member it lacks or does not have, a wrong type, enum, length,
    range or pattern."""
    if value is PROVIDER:
        return
    meta, kind = shape.metadata, shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            yield f"{where}: expected a structure, got {value!r}"
            return
        assert isinstance(shape, StructureShape)
        for member in shape.required_members:
            if member not in value or value[member] is None:
                yield f"{where}: required member {member} is missing"
        for key, item in value.items():
            if key not in shape.members:
                yield f"{where}: {key} is not a member of {shape.name}"
            elif item is not None:
                yield from check(item, shape.members[key], f"{where}.{key}")
    elif kind == "list":
        if not isinstance(value, list):
            yield f"{where}: expected a list, got {value!r}"
            return
        yield from _bounds(len(value), meta, f"{where} (length)")
        for n, item in enumerate(value):
            yield from check(item, shape.member, f"{where}[{n}]")  # type: ignore[attr-defined]
    elif kind == "map":
        if not isinstance(value, dict):
            yield f"{where}: expected a map, got {value!r}"
            return
        for key, item in value.items():
            yield from check(key, shape.key, f"{where} key {key!r}")  # type: ignore[attr-defined]
            yield from check(item, shape.value, f"{where}[{key!r}]")  # type: ignore[attr-defined]
    elif kind == "string":
        if not isinstance(value, str):
            yield f"{where}: expected a string, got {value!r}"
            return
        if shape.enum and value not in shape.enum:
            yield f"{where}={value!r} is not one of {shape.enum}"
        yield from _bounds(len(value), meta, f"{where}={value!r} (length)")
        if "pattern" in meta and not _matches(meta["pattern"], value):
            yield f"{where}={value!r} does not match {meta['pattern']!r}"
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            yield f"{where}: expected a whole number, got {value!r}"
            return
        yield from _bounds(value, meta, f"{where}={value!r}")
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            yield f"{where}: expected a number, got {value!r}"
    elif kind == "boolean":
        if not isinstance(value, bool):
            yield f"{where}: expected true or false, got {value!r}"
    elif kind == "blob":
        if not isinstance(value, str | bytes):
            yield f"{where}: expected bytes, got {value!r}"


def _bounds(number: float, meta: dict[str, Any], where: str) -> Iterator[str]:
    if "min" in meta and number < meta["min"]:
        yield f"{where} is below the minimum {meta['min']}"
    if "max" in meta and number > meta["max"]:
        yield f"{where} is above the maximum {meta['max']}"


def _matches(pattern: str, value: str) -> bool:
    """AWS's patterns are Java regular expressions matched against the whole value."""
    return regex.fullmatch(pattern, value, regex.S) is not None
