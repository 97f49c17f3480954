"""Every IAM action the program grants exists in botocore's model of that service, so a typo fails here."""

from __future__ import annotations

import json

import botocore.session
import pytest

from tests.components.conftest import Program

# IAM prefix -> botocore service name, where they differ or need stating.
SERVICES: dict[str, str | tuple[str, ...]] = {
    "dynamodb": ("dynamodb", "dynamodbstreams"),  # one IAM prefix, two API models
    "ssm": "ssm",
    "logs": "logs",
    "xray": "xray",
    "s3": "s3",
    "ses": "sesv2",
    "sqs": "sqs",
    "sns": "sns",
    "cognito-idp": "cognito-idp",
    "lambda": "lambda",
}
# Actions IAM knows that are not API operations of the same name.
IAM_ONLY = {"s3:GetObject": "GetObject", "lambda:InvokeFunction": "Invoke"}


def _statements(program: Program) -> list[dict]:
    documents = [json.loads(p.inputs["policy"]) for p in program.of_type("aws:iam/rolePolicy:RolePolicy")]
    documents += [json.loads(p.inputs["policy"]) for p in program.of_type("aws:s3/bucketPolicy:BucketPolicy")]
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
