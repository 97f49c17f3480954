"""Optional features (email, webhook, alarms, WAF, custom domain): present when configured, absent when not."""

from __future__ import annotations

import json

import pytest

from components.settings import SettingsError
from declarations.stream_trigger_spec import STREAM_FILTER
from tests.support.mocked_program import (
    ACCOUNT,
    EVERYTHING,
    PROJECT,
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    Declared,
    Program,
    run_program,
)
from tests.support.pulumi_engine import Secret

SECRET_SIG = "4dabf18193072939515e22adb298388d"  # pulumi's marker for a secret value


def function(program: Program, name: str) -> Declared:
    return program.one("aws:lambda/function:Function", name)


def policy_of(program: Program, function_name: str) -> list[dict]:
    (policy,) = [p for p in program.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == f"{function_name}-policy"]
    return json.loads(policy.inputs["policy"])["Statement"]


def test_without_configuration_no_optional_resource_exists(program: Program) -> None:
    always = {  # the search index's stream reader is no option
        "aws:sqs/queue:Queue": ["search-index-indexer-dead-letters"],
        "aws:lambda/eventSourceMapping:EventSourceMapping": ["search-index-indexer-stream"],
    }
    for typ in (
        "aws:sqs/queue:Queue",
        "aws:sesv2/emailIdentity:EmailIdentity",
        "aws:ssm/parameter:Parameter",
        "aws:acm/certificate:Certificate",
        "aws:route53/record:Record",
        "aws:lambda/eventSourceMapping:EventSourceMapping",
    ):
        assert [r.name for r in program.of_type(typ)] == always.get(typ, []), typ
    distribution = program.one("aws:cloudfront/distribution:Distribution").inputs
    assert "aliases" not in distribution


def test_stream_feeds_the_notify_function_with_retries_and_a_dead_letter_queue(everything: Program) -> None:
    mapping = everything.one("aws:lambda/eventSourceMapping:EventSourceMapping", "notify-stream").inputs
    table = everything.one("aws:dynamodb/table:Table", "submissions")
    queue = everything.one("aws:sqs/queue:Queue", "notify-dead-letters")
    assert mapping["eventSourceArn"] == table.outputs["streamArn"]
    assert mapping["functionName"] == function(everything, "notify").outputs["arn"]
    assert mapping["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["bisectBatchOnFunctionError"] is True and mapping["maximumRetryAttempts"] >= 1
    assert mapping["destinationConfig"]["onFailure"]["destinationArn"] == queue.outputs["arn"]
    assert json.loads(mapping["filterCriteria"]["filters"][0]["pattern"]) == STREAM_FILTER
    assert queue.inputs["sqsManagedSseEnabled"] is True


@pytest.fixture(scope="module")
def single_address() -> Program:
    """Every optional feature, but email from one verified address rather than a mail domain."""
    return run_program("prod", {**EVERYTHING, f"{PROJECT}:mailDomain": "none"})


def test_notify_function_may_do_exactly_its_job(single_address: Program) -> None:
    everything = single_address
    statements = policy_of(everything, "notify")
    grants = {tuple(s["Action"]): s["Resource"] for s in statements}
    conditions = {tuple(s["Action"]): s.get("Condition") for s in statements}
    table = everything.one("aws:dynamodb/table:Table", "submissions")
    identity = everything.one("aws:sesv2/emailIdentity:EmailIdentity")
    webhook = everything.one("aws:ssm/parameter:Parameter", "notify-webhook")
    bot_check = everything.one("aws:ssm/parameter:Parameter", "notify-bot-check")
    every_grant = [(tuple(s["Action"]), s["Resource"], s.get("Condition")) for s in statements]
    assert (
        grants[("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")]
        == table.outputs["streamArn"]
    )
    assert grants[("dynamodb:ListStreams",)] == "*"
    assert grants[("sqs:SendMessage",)] == everything.one("aws:sqs/queue:Queue", "notify-dead-letters").outputs["arn"]
    identities = f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity"
    # The sender, and each recipient's address and domain: SES checks those that are verified identities.
    assert grants[("ses:SendEmail",)] == [
        identity.outputs["arn"],
        *(f"{identities}/{name}" for name in ("example.com", "owner@example.com", "sales@example.com")),
    ]
    assert conditions[("ses:SendEmail",)] == {"StringEquals": {"ses:FromAddress": "site@example.com"}}
    # Each parameter by itself: the webhook's, and the bot check's secret key.
    parameters = [resource for actions, resource, _ in every_grant if actions == ("ssm:GetParameter",)]
    assert parameters == [webhook.outputs["arn"], bot_check.outputs["arn"]]
    assert identity.inputs["emailIdentity"] == "site@example.com"
    writes = [a for s in statements for a in s["Action"] if a.startswith("dynamodb:") and "Stream" not in a]
    assert writes == [
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    ]
    counters = everything.one("aws:dynamodb/table:Table", "counters").outputs["arn"]
    # The mailbox's counts, by their keys, a count of the hour's spam on the status index, and (the bot check) a
    # post's verdict: no reading, writing or deleting of enquiries.
    updates = [
        (resource, condition) for actions, resource, condition in every_grant if actions == ("dynamodb:UpdateItem",)
    ]
    assert updates == [
        ([counters], {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["mailbox *"]}}),
        (table.outputs["arn"], None),
    ]
    assert grants[("dynamodb:Query",)] == [f"{table.outputs['arn']}/index/by_status"]
    rule = everything.one("aws:cloudwatch/eventRule:EventRule").inputs
    assert rule["scheduleExpression"] == "cron(5 * * * ? *)"
    target = everything.one("aws:cloudwatch/eventTarget:EventTarget").inputs
    assert target["arn"] == function(everything, "notify").outputs["arn"]
    permission = everything.one("aws:lambda/permission:Permission", "notify-digest").inputs
    assert permission["principal"] == "events.amazonaws.com"
    assert permission["sourceArn"] == everything.one("aws:cloudwatch/eventRule:EventRule").outputs["arn"]


def test_webhook_secrets_live_in_ssm_never_in_the_environment(everything: Program) -> None:
    parameter = everything.one("aws:ssm/parameter:Parameter", "notify-webhook")
    assert parameter.inputs["type"] == "SecureString"
    value = parameter.inputs["value"]
    # Pulumi hands a secret to the engine wrapped with its secret signature, so state stores it encrypted.
    assert isinstance(value, dict) and value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270", value
    assert json.loads(value["value"]) == {"url": WEBHOOK_URL, "secret": WEBHOOK_SECRET}
    variables = function(everything, "notify").inputs["environment"]["variables"]
    assert variables["WEBHOOK_PARAMETER"] == parameter.outputs["name"]
    assert variables["NOTIFY_TO"] == "owner@example.com,sales@example.com"
    assert variables["DASHBOARD_URL"] == "https://www.example.com/dashboard.html"
    for f in everything.of_type("aws:lambda/function:Function"):
        text = json.dumps(f.inputs.get("environment", {}))
        assert WEBHOOK_SECRET not in text and "hooks.example.com" not in text, f.name


def test_alarms_watch_every_function_the_api_table_and_dead_letters(everything: Program) -> None:
    topic = everything.one("aws:sns/topic:Topic")
    assert everything.one("aws:sns/topicSubscription:TopicSubscription").inputs["endpoint"] == "ops@example.com"
    alarms = {a.name: a.inputs for a in everything.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    for a in alarms.values():
        assert a["alarmActions"] == [topic.outputs["arn"]]
    watched = {
        (a["metricName"], a["dimensions"]["FunctionName"]) for a in alarms.values() if a["namespace"] == "AWS/Lambda"
    }
    for function in everything.of_type("aws:lambda/function:Function"):
        physical = function.outputs["name"]
        assert {("Errors", physical), ("Throttles", physical)} <= watched, function.name
    assert alarms["alarms-api-5xx"]["metricName"] == "5xx" and alarms["alarms-api-5xx"]["threshold"] == 5
    for alarm, queue in (("dead-letters", "notify"), ("index-dead-letters", "search-index-indexer")):
        queue_name = everything.one("aws:sqs/queue:Queue", f"{queue}-dead-letters").outputs["name"]
        assert alarms[f"alarms-{alarm}"]["dimensions"]["QueueName"] == queue_name
    assert {"alarms-table-read-throttles", "alarms-table-write-throttles"} <= set(alarms)


def test_alarms_are_on_in_prod_and_off_in_dev(program: Program) -> None:
    prod = program.one("aws:dynamodb/table:Table", "submissions").inputs["deletionProtectionEnabled"]
    assert bool(program.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")) is prod
    assert bool(program.of_type("aws:sns/topic:Topic")) is prod


def test_waf_rate_limits_the_api_per_ip_with_429_in_us_east_1(everything: Program) -> None:
    acl = everything.one("aws:wafv2/webAcl:WebAcl")
    assert acl.inputs["region"] == "us-east-1" and acl.inputs["scope"] == "CLOUDFRONT"
    _, rate, common = acl.inputs["rules"]
    statement = rate["statement"]["rateBasedStatement"]
    assert statement["limit"] == 500 and statement["aggregateKeyType"] == "IP"
    assert statement["scopeDownStatement"]["byteMatchStatement"]["searchString"] == "/api/"
    assert rate["action"]["block"]["customResponse"]["responseCode"] == 429
    assert common["statement"]["managedRuleGroupStatement"]["name"] == "AWSManagedRulesCommonRuleSet"
    distribution = everything.one("aws:cloudfront/distribution:Distribution").inputs
    assert distribution["webAclId"] == acl.outputs["arn"]


def test_custom_domain_gets_a_us_east_1_certificate_alias_records_and_tls_1_2(everything: Program) -> None:
    certificate = everything.one("aws:acm/certificate:Certificate", "site-certificate")
    assert certificate.inputs["region"] == "us-east-1" and certificate.inputs["validationMethod"] == "DNS"
    validation = everything.one("aws:acm/certificateValidation:CertificateValidation", "site-certificate").inputs
    assert validation["region"] == "us-east-1" and validation["validationRecordFqdns"] == ["_x1.www.example.com."]
    distribution = everything.one("aws:cloudfront/distribution:Distribution")
    assert distribution.inputs["aliases"] == ["www.example.com"]
    viewer = distribution.inputs["viewerCertificate"]
    assert viewer["acmCertificateArn"] == certificate.outputs["arn"]
    assert viewer["sslSupportMethod"] == "sni-only" and viewer["minimumProtocolVersion"] == "TLSv1.2_2021"
    records = {
        r.inputs["type"]: r.inputs
        for r in everything.of_type("aws:route53/record:Record")
        if "aliases" in r.inputs and r.inputs["name"] == "www.example.com"
    }
    assert set(records) == {"A", "AAAA"}
    for record in records.values():
        assert record["name"] == "www.example.com" and record["zoneId"] == "Z0123456789ABCDEFGHIJ"
        assert record["aliases"][0]["name"] == "d111111abcdef8.cloudfront.net"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"notifyFrom": "site@example.com"}, "set notifyTo with notifyFrom"),
        ({"notifyEmail": "not-an-email"}, "notifyEmail='not-an-email' is not allowed; use an email address"),
        ({"ownerEmail": "owner@"}, "ownerEmail='owner@' is not allowed; use an email address"),
        ({"mailDomain": "example.com"}, "mailDomain='example.com' is not allowed; set hostedZoneId too"),
        ({"domain": "www.example.com", "hostedZoneId": "Z1", "mailDomain": "Example.com"}, "use a lower-case domain"),
        ({"domain": "www.example.com", "hostedZoneId": "Z1", "mailFromSubdomain": "a.b"}, "use one lower-case DNS"),
        ({"domain": "www.example.com", "hostedZoneId": "Z1", "dmarcPolicy": "strict"}, "use one of none, quarantine"),
        ({"notifyFrom": "not-an-email", "notifyTo": ["a@example.com"]}, "notifyFrom='not-an-email' is not allowed"),
        ({"notifyFrom": "s@example.com", "notifyTo": ["nope"]}, "notifyTo='[\"nope\"]' is not allowed"),
        (
            {"webhookUrl": Secret("http://insecure.example.com"), "webhookSecret": Secret(WEBHOOK_SECRET)},
            "use an https://",
        ),
        ({"webhookUrl": Secret(WEBHOOK_URL), "webhookSecret": Secret("short")}, "webhookSecret='[secret]' is not"),
        ({"webhookUrl": Secret(WEBHOOK_URL), "webhookSecret": Secret("k" * 40)}, "use whsec_ and 24 to 64"),
        ({"webhookUrl": Secret(WEBHOOK_URL), "webhookSecret": Secret("whsec_" + "a" * 20)}, "use whsec_ and 24 to 64"),
        ({"webhookUrl": Secret(WEBHOOK_URL), "webhookSecret": Secret("whsec_not*base64!" * 3)}, "use whsec_ and 24"),
        ({"webhookUrl": WEBHOOK_URL, "webhookSecret": Secret(WEBHOOK_SECRET)}, "set it as a secret: `pulumi config"),
        ({"webhookUrl": Secret(WEBHOOK_URL), "webhookSecret": WEBHOOK_SECRET}, "webhookSecret='[not shown]' is not"),
        ({"webhookSecret": Secret(WEBHOOK_SECRET)}, "set webhookUrl too, or remove webhookSecret"),
        ({"wafRateLimit": 5}, "wafRateLimit=5 is not allowed; use 0 (no WAF) or at least 10"),
        ({"domain": "www.example.com"}, "set domain and hostedZoneId together"),
        ({"domain": "WWW.Example.com", "hostedZoneId": "Z1"}, "use a lower-case host name"),
        ({"alarmEmail": "ops"}, "alarmEmail='ops' is not allowed"),
        ({"extraFields": "store"}, "extraFields='store' is not allowed; use one of refuse, keep"),
        ({"allowedOrigins": ["*"]}, 'no path, no "*"'),
        ({"allowedOrigins": ["https://shop.example.com/contact"]}, "allowedOrigins="),
        ({"allowedOrigins": ["http://shop.example.com"]}, "allowedOrigins="),
    ],
)
def test_bad_optional_settings_are_refused(overrides: dict, expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        run_program("dev", {f"{PROJECT}:{k}": v for k, v in overrides.items()})
    assert expected in str(raised.value)
    assert WEBHOOK_SECRET not in str(raised.value) and "short" not in str(raised.value).split("allowed")[0][:-30]


def test_other_sites_get_api_gateways_cors_only_when_listed(program: Program, everything: Program) -> None:
    """API Gateway answers the preflight and adds the headers; no function writes CORS headers itself."""
    assert program.one("aws:apigatewayv2/api:Api").inputs.get("corsConfiguration") is None
    cors = everything.one("aws:apigatewayv2/api:Api").inputs["corsConfiguration"]
    assert cors["allowOrigins"] == ["https://shop.example.com"] and cors["allowMethods"] == ["POST"]
    assert cors["allowHeaders"] == ["content-type", "accept", "x-requested-with"]
    assert not cors.get("allowCredentials"), "no cookies or tokens cross over"


def test_extra_fields_mode_reaches_only_the_contact_function(program: Program, everything: Program) -> None:
    for declared, mode in ((program, "refuse"), (everything, "keep")):
        functions = declared.of_type("aws:lambda/function:Function")
        modes = {
            f.name: (f.inputs.get("environment") or {}).get("variables", {}).get("EXTRA_FIELDS") for f in functions
        }
        assert {name: m for name, m in modes.items() if m} == {"api-contact": mode}
