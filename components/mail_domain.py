"""MailDomain: the site's own domain as an SES identity (Easy DKIM, custom MAIL FROM, optional DMARC), with the
configuration set every email goes through, so mail passes SPF and DKIM alignment and bounces are seen."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from declarations import mail_spec

DKIM_TOKENS = 3  # Easy DKIM always issues three
RECORD_TTL = 1800


@dataclass(frozen=True)
class MailDomainArgs:
    zone_id: str  # the Route 53 hosted zone the records go in
    domain: str | None  # None: the hosted zone's own domain
    mail_from_subdomain: str
    dmarc_policy: str  # "" publishes no DMARC record
    region: str


class MailDomain(pulumi.ComponentResource):
    domain: pulumi.Output[str]
    identity_arn: pulumi.Output[str]
    configuration_set_name: pulumi.Output[str]
    configuration_set_arn: pulumi.Output[str]

    def __init__(self, name: str, args: MailDomainArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:MailDomain", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        domain = (
            pulumi.Output.from_input(args.domain)
            if args.domain
            else aws.route53.get_zone_output(zone_id=args.zone_id).name.apply(lambda zone: zone.rstrip("."))
        )
        configuration_set = aws.sesv2.ConfigurationSet(
            f"{name}-events",
            configuration_set_name=f"{pulumi.get_project()}-{pulumi.get_stack()}-mail",
            opts=child,
        )
        identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=domain,
            # The identity's default: every email from the domain goes through it, so none skips the events.
            configuration_set_name=configuration_set.configuration_set_name,
            dkim_signing_attributes=aws.sesv2.EmailIdentityDkimSigningAttributesArgs(
                next_signing_key_length="RSA_2048_BIT"
            ),
            opts=child,
        )
        tokens = identity.dkim_signing_attributes.apply(dkim_tokens)
        for n in range(DKIM_TOKENS):
            record = pulumi.Output.all(tokens, domain).apply(functools.partial(dkim_record_of, n=n))
            self._record(f"{name}-dkim-{n + 1}", args.zone_id, record[0], "CNAME", [record[1]])
        mail_from = domain.apply(lambda d: f"{args.mail_from_subdomain}.{d}")
        aws.sesv2.EmailIdentityMailFromAttributes(
            f"{name}-mail-from",
            email_identity=identity.email_identity,
            mail_from_domain=mail_from,
            behavior_on_mx_failure="USE_DEFAULT_VALUE",
            opts=child,
        )
        self._record(f"{name}-mail-from-mx", args.zone_id, mail_from, "MX", [mail_spec.mail_from_mx(args.region)])
        self._record(f"{name}-mail-from-spf", args.zone_id, mail_from, "TXT", [mail_spec.SPF_RECORD])
        if args.dmarc_policy:
            dmarc = domain.apply(lambda d: f"_dmarc.{d}")
            self._record(f"{name}-dmarc", args.zone_id, dmarc, "TXT", [mail_spec.dmarc_record(args.dmarc_policy)])
        # Cognito's developer email sending: its service may send as this identity, for this account only.
        account = aws.get_caller_identity_output().account_id
        aws.sesv2.EmailIdentityPolicy(
            f"{name}-cognito",
            email_identity=identity.email_identity,
            policy_name="cognito-sends-owner-emails",
            policy=pulumi.Output.all(identity.arn, account).apply(lambda pair: cognito_policy(pair[0], pair[1])),
            opts=child,
        )
        self.domain = domain
        self.identity_arn = identity.arn
        self.configuration_set_name = configuration_set.configuration_set_name
        self.configuration_set_arn = configuration_set.arn
        self.register_outputs({"domain": self.domain, "identity_arn": self.identity_arn})

    def _record(
        self, name: str, zone_id: str, record_name: pulumi.Input[str], typ: str, values: list[pulumi.Input[str]]
    ) -> None:
        aws.route53.Record(
            name,
            zone_id=zone_id,
            name=record_name,
            type=typ,
            ttl=RECORD_TTL,
            records=values,
            opts=pulumi.ResourceOptions(parent=self),
        )


def dkim_tokens(dkim: Any) -> list[str]:
    """The identity's DKIM tokens, once SES has issued them (none in a preview)."""
    return list((dkim.tokens if dkim else None) or [])


def dkim_record_of(tokens_and_domain: list[Any], n: int) -> tuple[str, str]:
    """The n-th DKIM record once the identity's tokens are known (empty until then, as in a preview)."""
    tokens, domain = tokens_and_domain
    return mail_spec.dkim_record(tokens[n], domain) if len(tokens) > n else ("", "")


def cognito_policy(identity_arn: str, account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "email.cognito-idp.amazonaws.com"},
                    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                    "Resource": identity_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                }
            ],
        }
    )
