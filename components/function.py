"""HandlerFunction: one Lambda function with its own role, exact policy and log group."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import handler_files
from declarations import table_spec

# Lambda's Python; `make test-lambda-python` runs the handler tests on the same version (a test ties the two).
LAMBDA_RUNTIME = "python3.13"

# X-Ray's write actions take no resource-level permissions: AWS requires "*" here.
_TRACING_STATEMENT = {
    "Effect": "Allow",
    "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    "Resource": "*",
}
_ASSUME_ROLE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def handler_archive(handler: str) -> pulumi.AssetArchive:
    """The package of the function running `handler` ("module.function"): the source files it imports only
    (no caches, no tests), so the zip stays a few KB and its hash changes only when that code does."""
    return pulumi.AssetArchive({p.name: pulumi.FileAsset(str(p)) for p in handler_files(handler.split(".")[0])})


def allow(actions: list[str], resource: str) -> dict[str, Any]:
    """A policy statement allowing `actions` on one resource."""
    return {"Effect": "Allow", "Action": actions, "Resource": [resource]}


def table_statement(actions: tuple[str, ...], table_arn: str) -> dict[str, Any]:
    """A function's table actions on the table, plus its indexes when it queries them."""
    resources = [table_arn]
    if "dynamodb:Query" in actions:
        resources += [f"{table_arn}/index/{index}" for index in table_spec.INDEXES]
    return {"Effect": "Allow", "Action": list(actions), "Resource": resources}


@dataclass(frozen=True)
class FunctionSizing:
    """The stack's size for every function: memory (and so CPU), timeout, and how long its logs are kept."""

    memory_mb: int
    timeout_seconds: int
    log_retention_days: int


@dataclass(frozen=True)
class HandlerFunctionArgs:
    handler: str  # "module.function" inside handlers/
    sizing: FunctionSizing
    # Extra policy statements: exactly the actions on exactly the resources this code calls.
    statements: list[pulumi.Input[dict[str, Any]]] = field(default_factory=list)
    environment: dict[str, pulumi.Input[str]] = field(default_factory=dict)


class HandlerFunction(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    invoke_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]  # for a right that names the function itself (RolePolicy after the function)

    def __init__(self, name: str, args: HandlerFunctionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:HandlerFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=args.sizing.log_retention_days, opts=child)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=_ASSUME_ROLE, opts=child)
        log_statement = logs.arn.apply(
            lambda arn: {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{arn}:*",
            }
        )
        statements = pulumi.Output.all(log_statement, *args.statements).apply(
            lambda resolved: json.dumps({"Version": "2012-10-17", "Statement": [*resolved, _TRACING_STATEMENT]})
        )
        policy = aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=statements, opts=child)
        function = aws.lambda_.Function(
            name,
            runtime=LAMBDA_RUNTIME,
            architectures=["arm64"],
            handler=args.handler,
            code=handler_archive(args.handler),
            role=role.arn,
            memory_size=args.sizing.memory_mb,
            timeout=args.sizing.timeout_seconds,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=args.environment) if args.environment else None,
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=logs.name, application_log_level="INFO", system_log_level="WARN"
            ),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            # The policy must exist before the first invocation can log or write.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, logs]),
        )
        self.name = function.name
        self.arn = function.arn
        self.invoke_arn = function.invoke_arn
        self.role_name = role.name
        self.register_outputs({"name": self.name, "arn": self.arn})
