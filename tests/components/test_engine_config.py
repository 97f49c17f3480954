"""Pulumi.yaml and each stack's config pass the Pulumi engine's config step, the one `pulumi preview` runs
before the program: for each stack file in the repository and for each configuration the README shows (whose
program must then also fit AWS's API models)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.support.aws_calls import Checker
from tests.support.mocked_program import PROJECT, run_program
from tests.support.paths import ROOT
from tests.support.pulumi_engine import (
    EngineConfigError,
    Secret,
    StackValue,
    apply_project_config,
    config_set,
    load_project,
    load_stack_file,
)

STACKS = sorted(p.name.split(".")[1] for p in ROOT.glob("Pulumi.*.yaml"))


def readme_configurations() -> dict[str, list[str]]:
    """Every shell block of the README that sets config, by its first line: the commands a user would run."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    found = {}
    for block in blocks:
        commands = [line.strip() for line in block.splitlines() if line.strip().startswith("pulumi config set")]
        if commands:
            found[commands[0]] = commands
    return found


def _run_readme_command(command: str) -> str:
    # The README generates the webhook secret with openssl; 32 bytes in base64 stand for its output.
    return command.replace(
        '"whsec_$(openssl rand -base64 32)"', "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="
    )


def test_there_are_stacks_and_readme_configurations() -> None:
    assert STACKS == ["dev", "prod"]
    assert len(readme_configurations()) >= 4, "the README's deploy section shows each optional feature's settings"


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_file_passes_the_engine(stack: str) -> None:
    config = apply_project_config(
        stack, load_project(ROOT / "Pulumi.yaml"), load_stack_file(ROOT / f"Pulumi.{stack}.yaml")
    )
    assert config["aws:region"].value


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("first_line", list(readme_configurations()))
def test_each_readme_configuration_passes_the_engine_and_the_program(stack: str, first_line: str) -> None:
    config = load_stack_file(ROOT / f"Pulumi.{stack}.yaml")
    for command in readme_configurations()[first_line]:
        config_set(PROJECT, config, _run_readme_command(command))
    apply_project_config(stack, load_project(ROOT / "Pulumi.yaml"), config)
    overrides = {k: Secret(v.value) if v.secure else v.value for k, v in config.items()}
    program = run_program(stack, overrides)
    assert Checker().program_problems(program) == [], "a README configuration declares something AWS would refuse"


def _project_with(tmp_path: Path, key: str, declaration: object) -> Path:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    project["config"][key] = declaration
    path = tmp_path / "Pulumi.yaml"
    path.write_text(yaml.safe_dump(project))
    return path


@pytest.mark.parametrize(
    ("key", "declaration", "message"),
    [
        # The defect the first `pulumi preview` met: a secret with a default.
        (
            "webhookSecret",
            {"type": "string", "default": "", "secret": True},
            "Stack 'dev' with configuration key 'webhookSecret' must be encrypted as it's secret",
        ),
        ("apiKey", {"type": "string", "secret": True}, "Stack 'dev' is missing configuration value 'apiKey'"),
        # The schema of 3.259 leaves this to Project.Validate (older schemas refused it first).
        ("ownerEmails", {"type": "array", "default": []}, "declares an array but does not specify the underlying type"),
        ("count", {"type": "integer", "default": "many"}, "configuration key 'count' is not of the expected type"),
        # The schema of 3.259 lets these through; Project.Validate refuses them.
        ("count", {"type": "integer", "default": 1, "value": 2}, "cannot have both a 'default' and 'value'"),
        (
            "aws:region",
            {"default": "eu-west-1"},
            "'aws:region' is not namespaced by the project and should not define a default",
        ),
        (
            "aws:region",
            {"type": "string"},
            "'aws:region' is not namespaced by the project and should not define a type",
        ),
        (
            "flags",
            {"type": "array", "items": {"type": "boolean"}, "default": ["yes"]},
            "expected type 'array<boolean>'",
        ),
    ],
)
def test_engine_refuses_a_bad_declaration(tmp_path: Path, key: str, declaration: object, message: str) -> None:
    with pytest.raises(EngineConfigError) as raised:
        project = load_project(_project_with(tmp_path, key, declaration))
        apply_project_config("dev", project, load_stack_file(ROOT / "Pulumi.dev.yaml"))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ('pulumi config set logRetentionDays "two weeks"', "key 'logRetentionDays' must be of type 'integer'"),
        ("pulumi config set protectData yes", "key 'protectData' must be of type 'boolean'"),
        ("pulumi config set lambdaMemoryMb 1.5", "key 'lambdaMemoryMb' must be of type 'integer'"),
        # Without --path an array setting becomes one string, which the engine refuses.
        ("pulumi config set ownerEmails you@example.com", "key 'ownerEmails' must be of type 'array<string>'"),
        ("pulumi config set --path 'notifyTo[0]' 7", "key 'notifyTo' must be of type 'array<string>'"),
        ("pulumi config set contactClientLimit five", "key 'contactClientLimit' must be of type 'integer'"),
        ("pulumi config set contactClientCeiling 50.5", "key 'contactClientCeiling' must be of type 'integer'"),
        ("pulumi config set edgeSecretVersion v2", "key 'edgeSecretVersion' must be of type 'integer'"),
        ("pulumi config set notifyMaxPerHour twenty", "key 'notifyMaxPerHour' must be of type 'integer'"),
        ("pulumi config set wafContactRateLimit off", "key 'wafContactRateLimit' must be of type 'integer'"),
    ],
)
def test_engine_refuses_a_value_of_the_wrong_type(command: str, message: str) -> None:
    config = load_stack_file(ROOT / "Pulumi.dev.yaml")
    config_set(PROJECT, config, command)
    with pytest.raises(EngineConfigError) as raised:
        apply_project_config("dev", load_project(ROOT / "Pulumi.yaml"), config)
    assert f"Stack 'dev' with configuration {message}" in str(raised.value)


def test_engine_passes_defaults_as_plain_values_and_secrets_as_secrets() -> None:
    config = load_stack_file(ROOT / "Pulumi.dev.yaml")
    config_set(PROJECT, config, "pulumi config set --secret webhookSecret abc")
    merged = apply_project_config("dev", load_project(ROOT / "Pulumi.yaml"), config)
    assert merged[f"{PROJECT}:webhookSecret"] == StackValue("abc", secure=True)
    assert merged[f"{PROJECT}:webhookUrl"] == StackValue("")
    assert merged[f"{PROJECT}:ownerEmails"] == StackValue([])


def test_stack_keys_must_be_namespaced(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text("config:\n  region: eu-west-1\n")
    with pytest.raises(EngineConfigError, match="should be of the form `<namespace>:<name>`"):
        load_stack_file(path)
