"""What the program declares fits AWS's own API models (botocore's service models): every resource's inputs
against the call that creates it, every alarm's metric against what its namespace publishes, and every IAM
action the program grants against the operations of its service, so a typo or a value AWS refuses fails here
and not in the middle of a `pulumi up`."""

from __future__ import annotations

import json
from dataclasses import replace

import botocore.session
import pytest

from tests.support.aws_calls import Checker
from tests.support.mocked_program import Program

# IAM prefix -> botocore service name, where they differ or need stating.
SERVICES: dict[str, str | tuple[str, ...]] = {
    "dynamodb": ("dynamodb", "dynamodbstreams"),  # one IAM prefix, two API models
    "ssm": "ssm",
    "logs": "logs",
    "xray": "xray",
    "s3": "s3",
    "ses": ("sesv2", "ses"),  # one IAM prefix; SendRawEmail is only in SES's first API
    "sqs": "sqs",
    "sns": "sns",
    "cognito-idp": "cognito-idp",
    "lambda": "lambda",
}
# Actions IAM knows that are not API operations of the same name: the operation each permits (S3's API reference
# names the permission each operation requires: ListParts needs s3:ListMultipartUploadParts, ListObjectsV2
# s3:ListBucket).
IAM_ONLY = {
    "s3:GetObject": "GetObject",
    "lambda:InvokeFunction": "Invoke",
    "s3:ListMultipartUploadParts": "ListParts",
    "s3:ListBucket": "ListObjectsV2",
}


def _statements(program: Program) -> list[dict]:
    documents = [json.loads(p.inputs["policy"]) for p in program.of_type("aws:iam/rolePolicy:RolePolicy")]
    for typ in (
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy",
        "aws:sns/topicPolicy:TopicPolicy",
    ):
        documents += [json.loads(p.inputs["policy"]) for p in program.of_type(typ)]
    return [s for d in documents for s in d["Statement"]]


def _exists(action: str, session: botocore.session.Session) -> bool:
    prefix, name = action.split(":", 1)
    services = SERVICES.get(prefix, ())
    operation = IAM_ONLY.get(action, name)
    names = (services,) if isinstance(services, str) else services
    return any(operation in session.get_service_model(service).operation_names for service in names)


def test_every_granted_action_exists(program: Program, everything: Program) -> None:
    for declared in (program, everything):
        check_actions(declared)


def check_actions(program: Program) -> None:
    session = botocore.session.get_session()
    statements = _statements(program)
    assert statements
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            if statement["Effect"] == "Deny" and action.endswith(":*"):
                continue  # a blanket deny is the intent
            assert "*" not in action, f"wildcard action {action} in {statement}"
            assert _exists(action, session), f"{action} is not an operation of its service"


@pytest.mark.parametrize("action", ["dynamodb:PutItems", "dynamodb:putitem", "logs:PutLogEvent", "dynamo:PutItem"])
def test_misspelt_actions_are_caught(action: str) -> None:
    assert not _exists(action, botocore.session.get_session())


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


def test_every_resource_fits_the_call_that_creates_it(program: Program, everything: Program, checker: Checker) -> None:
    for declared in (program, everything):
        assert checker.program_problems(declared) == []


def _planted(program: Program, typ: str, **inputs: object) -> list[str]:
    target = program.of_type(typ)[0]
    planted = replace(target, inputs={**target.inputs, **inputs})
    return Checker().problems(typ, planted.name, planted)


@pytest.mark.parametrize(
    ("typ", "inputs", "expected"),
    [
        ("aws:lambda/function:Function", {"runtime": "python3.99"}, "Runtime='python3.99' is not one of"),
        ("aws:lambda/function:Function", {"memorySize": 10241}, "MemorySize=10241: at most 10,240 MB"),
        ("aws:lambda/function:Function", {"memorySize": 64}, "MemorySize=64 is below the minimum 128"),
        ("aws:lambda/function:Function", {"name": "f" * 70}, "is limited to 64 characters"),
        ("aws:lambda/function:Function", {"architectures": ["arm64", "x86_64"]}, "Architectures (length)"),
        ("aws:dynamodb/table:Table", {"billingMode": "ON_DEMAND"}, "BillingMode='ON_DEMAND' is not one of"),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", {"statistic": "Total"}, "Statistic='Total' is not one of"),
        ("aws:cloudwatch/logGroup:LogGroup", {"name": "/aws/lambda/" + "x" * 520}, "logGroupName="),
        ("aws:apigatewayv2/integration:Integration", {"payloadFormatVersion": None}, ""),
        (
            "aws:cloudfront/distribution:Distribution",
            {"priceClass": "PriceClass_Cheap"},
            "PriceClass='PriceClass_Cheap'",
        ),
        ("aws:s3/bucket:Bucket", {"bucket": "Site_Content"}, "Bucket='Site_Content': 3 to 63 lower-case"),
        ("aws:cloudfront/function:Function", {"runtime": "cloudfront-js-3.0"}, "Runtime='cloudfront-js-3.0' is not"),
        ("aws:apigatewayv2/domainName:DomainName", {"domainNameConfiguration": {"endpointType": "EDGY"}}, "'EDGY'"),
        ("aws:iam/role:Role", {"name": "r" * 65}, "RoleName='" + "r" * 65 + "' (length) is above the maximum 64"),
    ],
)
def test_a_planted_bad_value_is_caught(everything: Program, typ: str, inputs: dict, expected: str) -> None:
    problems = _planted(everything, typ, **inputs)
    if expected:
        assert any(expected in p for p in problems), problems
    else:
        assert problems == []  # the provider's default stands in for a missing optional member


def test_an_auto_named_resource_must_fit_too(program: Program) -> None:
    """Pulumi adds 8 characters to a logical name; a logical name of 57+ makes a function name over 64."""
    function = program.of_type("aws:lambda/function:Function")[0]
    too_long = replace(function, name="n" * 57)
    assert any("limited to 64 characters" in p for p in Checker().problems(too_long.typ, too_long.name, too_long))
    assert Checker().problems(function.typ, "n" * 56, replace(function, name="n" * 56)) == []


def test_a_resource_type_without_a_call_fails() -> None:
    assert "has no entry in CALLS" in Checker().problems("aws:ec2/instance:Instance", "web", None)[0]


# What each namespace publishes, for the alarms this program sets (AWS's metric documentation for HTTP APIs,
# Lambda, DynamoDB and SQS): metric -> the dimension sets it is published with.
PUBLISHED_METRICS: dict[str, dict[str, set[frozenset[str]]]] = {
    "AWS/ApiGateway": {m: {frozenset({"ApiId"}), frozenset({"ApiId", "Stage"})} for m in ("4xx", "5xx", "Count")},
    "AWS/Lambda": {m: {frozenset({"FunctionName"})} for m in ("Errors", "Throttles", "Invocations", "Duration")},
    "AWS/DynamoDB": {m: {frozenset({"TableName"})} for m in ("ReadThrottleEvents", "WriteThrottleEvents")},
    "AWS/SQS": {"ApproximateNumberOfMessagesVisible": {frozenset({"QueueName"})}},
}


def unpublished_alarms(program: Program) -> list[str]:
    wrong = []
    for alarm in program.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        i = alarm.inputs
        published = PUBLISHED_METRICS.get(i["namespace"], {}).get(i["metricName"], set())
        if frozenset(i.get("dimensions", {})) not in published:
            wrong.append(f"{alarm.name}: {i['namespace']} {i['metricName']} by {sorted(i.get('dimensions', {}))}")
    return wrong


def test_every_alarm_watches_a_metric_its_namespace_publishes(everything: Program) -> None:
    assert everything.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert unpublished_alarms(everything) == []


def test_an_alarm_on_an_unpublished_metric_is_caught(everything: Program) -> None:
    alarm = everything.one("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-api-5xx")
    alarm.inputs["metricName"] = "5XXError"  # the REST API's name; HTTP APIs publish "5xx"
    assert unpublished_alarms(everything) == ["alarms-api-5xx: AWS/ApiGateway 5XXError by ['ApiId', 'Stage']"]
    alarm.inputs["metricName"] = "5xx"
