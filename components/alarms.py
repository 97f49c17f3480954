"""Alarms: an SNS topic (emailed when configured) and CloudWatch alarms on everything that can fail unseen."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.settings import Alarms as AlarmSettings
from declarations import mail_spec

FIVE_MINUTES = 300


@dataclass(frozen=True)
class AlarmSetArgs:
    settings: AlarmSettings
    api_id: pulumi.Input[str]
    function_names: dict[str, pulumi.Input[str]]  # logical name -> function name
    table_name: pulumi.Input[str]
    dead_letter_queue_name: pulumi.Input[str] | None = None
    index_dead_letter_queue_name: pulumi.Input[str] | None = None  # the search indexer's
    # The mail domain's configuration set: its bounces, complaints, rejects and delays reach the topic.
    mail_configuration_set_name: pulumi.Input[str] | None = None


class AlarmSet(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlarmSetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:AlarmSet", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Not KMS-encrypted: the AWS-managed SNS key does not let CloudWatch publish, and alarm
        # messages carry metric names and counts, never an enquiry's content.
        topic = aws.sns.Topic(f"{name}-topic", opts=child)
        if args.settings.email:
            aws.sns.TopicSubscription(
                f"{name}-email", topic=topic.arn, protocol="email", endpoint=args.settings.email, opts=child
            )

        def alarm(
            logical: str,
            namespace: str,
            metric: str,
            dimensions: dict[str, pulumi.Input[str]],
            threshold: int,
            statistic: str = "Sum",
            description: str = "",
        ) -> None:
            aws.cloudwatch.MetricAlarm(
                f"{name}-{logical}",
                alarm_description=description,
                namespace=namespace,
                metric_name=metric,
                dimensions=dimensions,
                statistic=statistic,
                period=FIVE_MINUTES,
                evaluation_periods=1,
                threshold=threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
                opts=child,
            )

        alarm(
            "api-5xx",
            "AWS/ApiGateway",
            "5xx",
            {"ApiId": args.api_id, "Stage": "$default"},
            args.settings.api_5xx_threshold,
            description="The API answered with server errors: visitors may be unable to send messages.",
        )
        for logical, function_name in args.function_names.items():
            alarm(
                f"{logical}-errors",
                "AWS/Lambda",
                "Errors",
                {"FunctionName": function_name},
                args.settings.function_error_threshold,
                description=f"The {logical} function failed; its log group has the request ids.",
            )
            alarm(
                f"{logical}-throttles",
                "AWS/Lambda",
                "Throttles",
                {"FunctionName": function_name},
                1,
                description=f"The {logical} function was throttled (account concurrency exhausted).",
            )
        for kind in ("Read", "Write"):
            alarm(
                f"table-{kind.lower()}-throttles",
                "AWS/DynamoDB",
                f"{kind}ThrottleEvents",
                {"TableName": args.table_name},
                1,
                description="DynamoDB throttled the submissions table; visitors saw 503s and were asked to retry.",
            )
        dead_letters = (
            ("dead-letters", args.dead_letter_queue_name, "Enquiry notifications failed after every retry; they wait"
             " in the dead-letter queue."),
            ("index-dead-letters", args.index_dead_letter_queue_name, "Search index updates failed after every"
             " retry: a search may miss an enquiry until scripts/reindex.py runs (README, The search index)."),
        )  # fmt: skip
        for logical, queue_name, description in dead_letters:
            if queue_name is not None:
                metric = "ApproximateNumberOfMessagesVisible"
                dimensions = {"QueueName": queue_name}
                alarm(logical, "AWS/SQS", metric, dimensions, 1, statistic="Maximum", description=description)
        if args.mail_configuration_set_name is not None:
            self._watch_mail(name, topic, args.mail_configuration_set_name)
        self.topic_arn = topic.arn
        self.register_outputs({"topic_arn": self.topic_arn})

    def _watch_mail(self, name: str, topic: aws.sns.Topic, configuration_set_name: pulumi.Input[str]) -> None:
        """Mail SES accepted but a receiver refused or delayed goes to the topic, as an alarm would."""
        child = pulumi.ResourceOptions(parent=self)
        account = aws.get_caller_identity_output().account_id
        policy = aws.sns.TopicPolicy(
            f"{name}-topic-publishers",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, account).apply(lambda pair: topic_policy(pair[0], pair[1])),
            opts=child,
        )
        aws.sesv2.ConfigurationSetEventDestination(
            f"{name}-mail-events",
            configuration_set_name=configuration_set_name,
            event_destination_name="owner-alarms",
            event_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationArgs(
                enabled=True,
                matching_event_types=list(mail_spec.WATCHED_EVENTS),
                sns_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationSnsDestinationArgs(
                    topic_arn=topic.arn
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )


def topic_policy(topic_arn: str, account: str) -> str:
    """CloudWatch (the alarms) and SES (mail events) may publish, for this account only. Setting a policy
    replaces SNS's default, so CloudWatch is named too."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": service.split(".")[0],
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                }
                for service in ("cloudwatch.amazonaws.com", "ses.amazonaws.com")
            ],
        }
    )
