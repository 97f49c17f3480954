"""Security properties of the declared infrastructure, for dev, prod and prod with every option on.

The properties are the policy pack's rules (policy/security_rules.py: each rule's name, why it matters and its
check), so what these tests prove of the program as written is what a user's own `pulumi preview --policy-pack
policy` holds their edits to. Two properties tied to this program's own route table and test secrets stay here.
"""

from __future__ import annotations

import json

import pytest
from security_rules import RESOURCE_RULES, STACK_RULES, Resource, ResourceRule, StackRule, violations

from components.http_api import route_resource_name
from declarations.routes import INDEX_REMOVE_ACTIONS, ROUTES
from tests.support.mocked_program import API, STACKS, WEBHOOK_SECRET, WEBHOOK_URL, Program, declared_program

RULES = [*RESOURCE_RULES, *STACK_RULES]


def resources(program: Program) -> list[Resource]:
    """The declared resources as the pack sees them (the mocks' outputs hold every input)."""
    return [Resource(r.typ, r.name, r.outputs, r.name in program.protected) for r in program.resources]


@pytest.fixture(scope="module", params=list(STACKS))
def declared(request: pytest.FixtureRequest) -> Program:
    return declared_program(request.param)


@pytest.fixture(scope="module")
def found(declared: Program) -> dict[str, list[str]]:
    return violations(resources(declared))


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_property_holds(found: dict[str, list[str]], rule: ResourceRule | StackRule) -> None:
    assert found.get(rule.name, []) == [], f"{rule.name}: {rule.why}"


def test_prod_protects_the_enquiries(declared: Program) -> None:
    """Protected by default: every stack file here keeps Pulumi.yaml's protected defaults."""
    assert declared.protects_enquiries() and "owners" in declared.protected


def _allows(program: Program, policy_name: str) -> list[dict]:
    doc = json.loads(program.one("aws:iam/rolePolicy:RolePolicy", policy_name).inputs["policy"])
    return [s for s in doc["Statement"] if s["Effect"] == "Allow"]


def test_each_route_function_has_exactly_its_table_actions(declared: Program) -> None:
    """Least privilege per route: the route table's table actions on the enquiries, no more; only the contact
    function may add to a visitor's count, and the search index is read by search and emptied of a person by
    erasure alone (one role per function is a rule)."""
    counters = declared.one("aws:dynamodb/table:Table", "counters").outputs["arn"]
    index = declared.one("aws:dynamodb/table:Table", "search-index").outputs["arn"]
    for route in ROUTES:
        statements = _allows(declared, f"{route_resource_name(API, route)}-policy")
        on_counters = [s for s in statements if counters in json.dumps(s["Resource"])]
        on_index = [s for s in statements if s["Resource"] == [index]]
        enquiries = [s for s in statements if s not in on_counters and s not in on_index]
        granted = {a for s in enquiries for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
        assert {a for a in granted if a.startswith("dynamodb:")} == set(route.table_actions), route.key
        expected = [{"Effect": "Allow", "Action": ["dynamodb:UpdateItem"], "Resource": [counters]}]
        assert on_counters == (expected if route.name == "contact" else []), route.key
        index_actions = {"search": ["dynamodb:Query"], "erase-person": list(INDEX_REMOVE_ACTIONS)}
        assert [s["Action"] for s in on_index] == ([index_actions[route.name]] if route.name in index_actions else [])


def test_exports_are_reached_with_exactly_the_rights_each_function_uses(declared: Program) -> None:
    """Starting an export may write records and invoke the writer; following one may read them; the writer reads
    the enquiries' views, writes the file in parts and invokes itself; nothing else touches the bucket."""
    bucket = declared.one("aws:s3/bucket:Bucket", "exports").outputs["arn"]
    writer = declared.one("aws:lambda/function:Function", "exports-writer").outputs["arn"]
    files = f"{bucket}/exports/*"

    def rights(policy: str) -> set[tuple[str, str]]:
        return {
            (action, resource)
            for s in _allows(declared, policy)
            for action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
            for resource in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
            if not action.startswith(("logs:", "xray:", "dynamodb:"))
        }

    expected = {
        "export-start": {("s3:PutObject", files), ("lambda:InvokeFunction", writer)},
        "export-progress": {("s3:GetObject", files), ("s3:ListBucket", bucket)},
    }
    for route in ROUTES:
        assert rights(f"{route_resource_name(API, route)}-policy") == expected.get(route.name, set()), route.key
    on_files = ("s3:GetObject", "s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload")
    assert rights("exports-writer-policy") == {*((a, files) for a in on_files), ("s3:ListBucket", bucket)}
    assert rights("exports-writer-continues") == {("lambda:InvokeFunction", writer)}
    reads = [s for s in _allows(declared, "exports-writer-policy") if s["Action"][0].startswith("dynamodb:")]
    index = declared.one("aws:dynamodb/table:Table", "search-index").outputs["arn"]
    assert [(s["Action"], s["Resource"][0]) for s in reads] == [
        (
            ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem"],
            declared.one("aws:dynamodb/table:Table", "submissions").outputs["arn"],
        ),
        (["dynamodb:Query"], index),
    ], "an export of a search reads as the search does"


def test_no_secret_value_in_any_environment(declared: Program) -> None:
    """The webhook's URL and key reach the function through SSM: neither value is in an environment."""
    for f in declared.of_type("aws:lambda/function:Function"):
        text = json.dumps(f.inputs.get("environment") or {})
        assert WEBHOOK_SECRET not in text and WEBHOOK_URL not in text, f.name


def test_secret_settings_stay_secret_in_state(declared: Program) -> None:
    assert all(isinstance(p.inputs["value"], dict) for p in declared.of_type("aws:ssm/parameter:Parameter"))


def test_a_violation_is_detected() -> None:
    """The checks can fail: a wildcard grant and a public bucket are caught."""
    program = declared_program("dev")
    policy = program.one("aws:iam/rolePolicy:RolePolicy", "api-contact-policy")
    doc = json.loads(policy.outputs["policy"])
    doc["Statement"].append({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
    policy.outputs["policy"] = json.dumps(doc)
    block = program.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "exports")
    block.outputs["blockPublicPolicy"] = False
    assert set(violations(resources(program))) == {
        "iam-no-wildcard-action",
        "iam-wildcard-resource-only-where-required",
        "s3-public-access-blocked",
    }
