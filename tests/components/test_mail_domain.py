"""The mail domain: SES signs the site's email for its own domain (Easy DKIM, custom MAIL FROM, optional DMARC),
every email goes through a configuration set whose bounces reach the alarm topic, and Cognito's owner emails
use the same identity. Without a domain, one verified address as before."""

from __future__ import annotations

import json
import logging

import pytest

from tests.support.mocked_program import ACCOUNT, EVERYTHING, PROJECT, ZONE_DOMAIN, Declared, Program, run_program

ZONE = EVERYTHING[f"{PROJECT}:hostedZoneId"]
RECORD = "aws:route53/record:Record"


def records(program: Program, typ: str) -> dict[str, list[str]]:
    return {r.inputs["name"]: r.inputs["records"] for r in program.of_type(RECORD) if r.inputs["type"] == typ}


def statement(program: Program, function: str, action: str) -> dict:
    (policy,) = [p for p in program.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == f"{function}-policy"]
    (found,) = [s for s in json.loads(policy.inputs["policy"])["Statement"] if action in s["Action"]]
    return found


def identity(program: Program) -> Declared:
    return program.one("aws:sesv2/emailIdentity:EmailIdentity")


def test_the_zones_domain_is_an_ses_identity_with_2048_bit_dkim_and_a_default_configuration_set(
    everything: Program,
) -> None:
    domain = identity(everything)
    configuration_set = everything.one("aws:sesv2/configurationSet:ConfigurationSet")
    assert domain.inputs["emailIdentity"] == ZONE_DOMAIN, "by default, the hosted zone's own domain"
    assert domain.inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
    assert domain.inputs["configurationSetName"] == configuration_set.inputs["configurationSetName"]


def test_three_dkim_records_in_the_form_aws_documents(everything: Program) -> None:
    tokens = identity(everything).outputs["dkimSigningAttributes"]["tokens"]
    assert len(tokens) == 3
    expected = {f"{t}._domainkey.{ZONE_DOMAIN}": [f"{t}.dkim.amazonses.com"] for t in tokens}
    dkim = {name: values for name, values in records(everything, "CNAME").items() if "._domainkey." in name}
    assert dkim == expected
    assert all(r.inputs["zoneId"] == ZONE for r in everything.of_type(RECORD))


def test_mail_from_subdomain_has_its_mx_and_spf_records(everything: Program) -> None:
    mail_from = f"bounce.{ZONE_DOMAIN}"
    attributes = everything.one("aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes").inputs
    assert attributes["emailIdentity"] == ZONE_DOMAIN and attributes["mailFromDomain"] == mail_from
    assert records(everything, "MX")[mail_from] == ["10 feedback-smtp.eu-west-1.amazonses.com"]
    assert records(everything, "TXT")[mail_from] == ["v=spf1 include:amazonses.com ~all"]


def test_dmarc_is_published_only_when_asked(everything: Program) -> None:
    assert f"_dmarc.{ZONE_DOMAIN}" not in records(everything, "TXT"), "off by default: never overwrite one"
    asked = run_program("prod", {**EVERYTHING, f"{PROJECT}:dmarcPolicy": "quarantine"})
    assert records(asked, "TXT")[f"_dmarc.{ZONE_DOMAIN}"] == ["v=DMARC1; p=quarantine"]


def test_bounces_complaints_rejects_and_delays_reach_the_alarm_topic(everything: Program) -> None:
    destination = everything.one("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination").inputs
    topic = everything.one("aws:sns/topic:Topic")
    configuration_set = everything.one("aws:sesv2/configurationSet:ConfigurationSet")
    assert destination["configurationSetName"] == configuration_set.inputs["configurationSetName"]
    event = destination["eventDestination"]
    assert event["enabled"] is True
    assert sorted(event["matchingEventTypes"]) == ["BOUNCE", "COMPLAINT", "DELIVERY_DELAY", "REJECT"]
    assert event["snsDestination"]["topicArn"] == topic.outputs["arn"]
    policy = json.loads(everything.one("aws:sns/topicPolicy:TopicPolicy").inputs["policy"])
    publishers = {s["Principal"]["Service"]: s for s in policy["Statement"]}
    assert set(publishers) == {"ses.amazonaws.com", "cloudwatch.amazonaws.com"}
    assert all(s["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}} for s in publishers.values())


def test_notify_sends_from_the_domain_through_the_configuration_set_and_may_only_do_that(everything: Program) -> None:
    configuration_set = everything.one("aws:sesv2/configurationSet:ConfigurationSet")
    grant = statement(everything, "notify", "ses:SendEmail")
    assert grant["Resource"] == [
        identity(everything).outputs["arn"],
        f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/owner@example.com",
        f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/sales@example.com",
        configuration_set.outputs["arn"],
    ]
    assert grant["Condition"] == {"StringEquals": {"ses:FromAddress": "site@example.com"}}
    variables = everything.one("aws:lambda/function:Function", "notify").inputs["environment"]["variables"]
    assert variables["NOTIFY_CONFIGURATION_SET"] == configuration_set.inputs["configurationSetName"]


def test_without_notify_from_the_sender_is_notifications_at_the_domain(everything: Program) -> None:
    program = run_program("prod", {**EVERYTHING, f"{PROJECT}:notifyFrom": ""})
    variables = program.one("aws:lambda/function:Function", "notify").inputs["environment"]["variables"]
    assert variables["NOTIFY_FROM"] == f"notifications@{ZONE_DOMAIN}"
    grant = statement(program, "notify", "ses:SendEmail")
    assert grant["Condition"] == {"StringEquals": {"ses:FromAddress": f"notifications@{ZONE_DOMAIN}"}}


def test_cognito_sends_owner_emails_through_the_domain(everything: Program) -> None:
    configuration = everything.one("aws:cognito/userPool:UserPool").inputs["emailConfiguration"]
    assert configuration == {
        "emailSendingAccount": "DEVELOPER",
        "sourceArn": identity(everything).outputs["arn"],
        "fromEmailAddress": f"no-reply@{ZONE_DOMAIN}",
        "configurationSet": everything.one("aws:sesv2/configurationSet:ConfigurationSet").inputs[
            "configurationSetName"
        ],
    }
    policy = json.loads(everything.one("aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy").inputs["policy"])
    (grant,) = policy["Statement"]
    assert grant["Principal"] == {"Service": "email.cognito-idp.amazonaws.com"}
    assert grant["Resource"] == identity(everything).outputs["arn"]
    assert grant["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_an_explicit_mail_domain_is_used_as_given() -> None:
    program = run_program("prod", {**EVERYTHING, f"{PROJECT}:mailDomain": "mail.example.org"})
    assert identity(program).inputs["emailIdentity"] == "mail.example.org"
    assert "bounce.mail.example.org" in records(program, "MX")


def test_without_a_domain_one_verified_address_and_cognitos_own_sender(program: Program) -> None:
    assert program.of_type("aws:sesv2/configurationSet:ConfigurationSet") == []
    assert "emailConfiguration" not in program.one("aws:cognito/userPool:UserPool").inputs
    single = run_program("dev", {f"{PROJECT}:notifyFrom": "site@example.com", f"{PROJECT}:notifyTo": ["o@example.com"]})
    assert identity(single).inputs == {"emailIdentity": "site@example.com"}
    assert single.of_type(RECORD) == []


@pytest.mark.parametrize(("sender", "warned"), [("shop@gmail.com", True), ("shop@example.com", False)])
def test_a_free_mail_sender_without_a_domain_is_warned_about(
    caplog: pytest.LogCaptureFixture, sender: str, warned: bool
) -> None:
    with caplog.at_level(logging.WARNING):
        run_program("dev", {f"{PROJECT}:notifyFrom": sender, f"{PROJECT}:notifyTo": ["o@example.com"]})
    warnings = [r.getMessage() for r in caplog.records if "free-mail provider" in r.getMessage()]
    assert bool(warnings) is warned
    if warned:
        assert "DMARC" in warnings[0] and "domain and hostedZoneId" in warnings[0]
