"""Notifier: the table stream feeds a function that emails the owners (SES), at most notifyMaxPerHour an hour with a
digest of the rest after it (an hourly EventBridge rule), and calls an optional signed webhook."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.function import FunctionSizing, HandlerFunction, HandlerFunctionArgs
from components.settings import Notifications, Webhook
from components.stream_consumer import dead_letter_queue, stream_statements, stream_trigger
from declarations import mail_spec
from declarations.stream_trigger_spec import DIGEST_MINUTE, NOTIFY_HANDLER, STREAM_FILTER
from handlers import env_names as env
from handlers import table_schema as ts


def send_email_statement(
    sender_arn: str, sender: str, recipients: tuple[str, ...], configuration_set_arn: str | None = None
) -> dict[str, Any]:
    """ses:SendEmail from the configured sender only. SES also checks the permission against a recipient's
    identity when the address, or its domain, is a verified identity of this account, as every recipient is
    in the SES sandbox (and a colleague's address is once the shared domain is verified for DKIM), and
    against the configuration set an email goes through."""
    prefix = sender_arn.rsplit("/", 1)[0]
    recipient_identities = sorted({name for address in recipients for name in (address, address.split("@")[1])})
    resources = list(dict.fromkeys([sender_arn, *(f"{prefix}/{name}" for name in recipient_identities)]))
    return {
        "Effect": "Allow",
        "Action": ["ses:SendEmail"],
        "Resource": [*resources, *([configuration_set_arn] if configuration_set_arn else [])],
        "Condition": {"StringEquals": {"ses:FromAddress": sender}},
    }


@dataclass(frozen=True)
class SendingDomain:
    """The mail domain's identity and configuration set (MailDomain's outputs), when the stack has one."""

    domain: pulumi.Output[str]
    identity_arn: pulumi.Output[str]
    configuration_set_name: pulumi.Output[str]
    configuration_set_arn: pulumi.Output[str]


@dataclass(frozen=True)
class MailboxCapArgs:
    """notifyMaxPerHour, counted in the counters table; the digest counts the hour's posts contactClientLimit held."""

    max_per_hour: int
    counters_name: pulumi.Input[str]
    counters_arn: pulumi.Input[str]
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    visitor_limit: int


def mailbox_statements(counters_arn: str, table_arn: str) -> list[dict[str, Any]]:
    """The mailbox's own counts only (the keys the handler writes, by IAM's dynamodb:LeadingKeys), and a count
    of the hour's spam on the status index."""
    return [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:UpdateItem"],
            "Resource": [counters_arn],
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{ts.MAILBOX_COUNT} *"]}},
        },
        {"Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": [f"{table_arn}/index/{ts.STATUS_INDEX}"]},
    ]


@dataclass(frozen=True)
class BotCheckArgs:
    """The bot check this function runs on new posts (handlers/bot_check.py), and what it may change: a post's
    status, reason and expiry, on the table."""

    secret: pulumi.Output[str]  # the provider's secret key, a Pulumi secret
    hostnames: pulumi.Input[str]  # the site's, comma-separated: a token solved on another site fails
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    spam_retention_days: int


@dataclass(frozen=True)
class NotifierArgs:
    table_stream_arn: pulumi.Input[str]
    dashboard_url: pulumi.Input[str]
    notifications: Notifications | None
    webhook: Webhook | None
    sizing: FunctionSizing
    mailbox: MailboxCapArgs
    sending_domain: SendingDomain | None = None  # None: notifyFrom is its own SES email identity
    bot_check: BotCheckArgs | None = None


class Notifier(pulumi.ComponentResource):
    function_name: pulumi.Output[str]
    dead_letter_queue_name: pulumi.Output[str]

    def __init__(self, name: str, args: NotifierArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:Notifier", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        dead_letters = dead_letter_queue(name, self._child)
        statements = stream_statements(args.table_stream_arn, dead_letters.arn)
        environment: dict[str, pulumi.Input[str]] = {env.DASHBOARD_URL: args.dashboard_url}
        if args.notifications is not None:
            statement, variables = self._email(name, args.notifications, args.sending_domain)
            statements.append(statement)
            environment.update(variables)
            cap = args.mailbox
            counting = pulumi.Output.all(cap.counters_arn, cap.table_arn).apply(lambda arns: mailbox_statements(*arns))
            statements += [counting[0], counting[1]]
            environment.update(
                {
                    env.NOTIFY_MAX_PER_HOUR: str(cap.max_per_hour),
                    env.COUNTERS_TABLE: cap.counters_name,
                    env.TABLE_NAME: cap.table_name,
                    env.VISITOR_LIMIT: str(cap.visitor_limit),
                }
            )
        if args.webhook is not None:
            statement, variables = self._webhook(name, args.webhook)
            statements.append(statement)
            environment.update(variables)
        if args.bot_check is not None:
            checking, variables = self._bot_check(name, args.bot_check)
            statements += checking
            environment.update(variables)
        function = HandlerFunction(
            name,
            HandlerFunctionArgs(
                handler=NOTIFY_HANDLER,
                sizing=args.sizing,
                statements=statements,
                environment=environment,
            ),
            opts=self._child,
        )
        stream_trigger(name, args.table_stream_arn, function.arn, (STREAM_FILTER,), dead_letters.arn, self._child)
        if args.notifications is not None:
            self._hourly_digest(name, function)
        self.function_name = function.name
        self.dead_letter_queue_name = dead_letters.name
        self.register_outputs({"dead_letter_queue": self.dead_letter_queue_name})

    def _hourly_digest(self, name: str, function: HandlerFunction) -> None:
        """EventBridge invokes the function at DIGEST_MINUTE past every hour; only this rule may."""
        rule = aws.cloudwatch.EventRule(
            f"{name}-digest",
            description="The hourly digest of enquiries past notifyMaxPerHour",
            schedule_expression=f"cron({DIGEST_MINUTE} * * * ? *)",
            opts=self._child,
        )
        aws.cloudwatch.EventTarget(f"{name}-digest", rule=rule.name, arn=function.arn, opts=self._child)
        aws.lambda_.Permission(
            f"{name}-digest",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="events.amazonaws.com",
            source_arn=rule.arn,
            opts=self._child,
        )

    def _email(
        self, name: str, notifications: Notifications, domain: SendingDomain | None
    ) -> tuple[pulumi.Input[dict[str, Any]], dict[str, pulumi.Input[str]]]:
        """The right to send from the sender, and the function's mail settings. The sender is the mail
        domain's own address (or notifyFrom on it), or else notifyFrom verified as its own SES identity."""
        recipients, chosen = notifications.recipients, notifications.sender
        environment: dict[str, pulumi.Input[str]] = {env.NOTIFY_TO: ",".join(recipients)}
        if domain is not None:
            sender = domain.domain.apply(lambda d: chosen or f"{mail_spec.NOTIFY_LOCAL_PART}@{d}")
            statement = pulumi.Output.all(domain.identity_arn, sender, domain.configuration_set_arn).apply(
                lambda a: send_email_statement(a[0], a[1], recipients, a[2])
            )
            environment[env.NOTIFY_CONFIGURATION_SET] = domain.configuration_set_name
        else:
            sender = pulumi.Output.from_input(chosen)
            identity = aws.sesv2.EmailIdentity(f"{name}-sender", email_identity=chosen, opts=self._child)
            statement = identity.arn.apply(lambda arn: send_email_statement(arn, chosen, recipients))
        environment[env.NOTIFY_FROM] = sender
        return statement, environment

    def _bot_check(
        self, name: str, check: BotCheckArgs
    ) -> tuple[list[pulumi.Input[dict[str, Any]]], dict[str, pulumi.Input[str]]]:
        """The secret key in a SecureString parameter only this function may read, and the right to mark a post
        that failed the check as spam (UpdateItem on the table: no reading, writing or deleting of others)."""
        parameter = aws.ssm.Parameter(f"{name}-bot-check", type="SecureString", value=check.secret, opts=self._child)
        statements: list[pulumi.Input[dict[str, Any]]] = [
            parameter.arn.apply(lambda arn: {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": arn}),
            pulumi.Output.from_input(check.table_arn).apply(
                lambda arn: {"Effect": "Allow", "Action": ["dynamodb:UpdateItem"], "Resource": arn}
            ),
        ]
        return statements, {
            env.BOT_CHECK_PARAMETER: parameter.name,
            env.BOT_CHECK_HOSTNAMES: check.hostnames,
            env.TABLE_NAME: check.table_name,
            env.SPAM_RETENTION_DAYS: str(check.spam_retention_days),
        }

    def _webhook(
        self, name: str, webhook: Webhook
    ) -> tuple[pulumi.Input[dict[str, Any]], dict[str, pulumi.Input[str]]]:
        """The webhook's address and secret in one SecureString parameter, which only this function may read."""
        parameter = aws.ssm.Parameter(
            f"{name}-webhook",
            type="SecureString",
            value=pulumi.Output.all(webhook.url, webhook.secret).apply(
                lambda pair: json.dumps({"url": pair[0], "secret": pair[1]})
            ),
            opts=self._child,
        )
        statement = parameter.arn.apply(
            lambda arn: {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": arn}
        )
        return statement, {env.WEBHOOK_PARAMETER: parameter.name}
