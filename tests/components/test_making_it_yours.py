"""Making the project yours: `pulumi new <URL>` as the CLI does it (tests/support/pulumi_new.py cites the
source lines), and a rename that can never deploy a stack with the defaults in place of what its file says."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from components.settings import SettingsError, declared_settings
from tests.support.mocked_program import PROJECT, run_program
from tests.support.paths import ROOT
from tests.support.pulumi_engine import apply_project_config, load_project, load_stack_file
from tests.support.pulumi_new import (
    PLACEHOLDERS,
    TEMPLATE_CONFIG_FIELDS,
    TEMPLATE_FIELDS,
    copy_template,
    rewrite_project,
    save_template_config,
    tracked_files,
)

URL = "https://github.com/example/connecting-the-dots"
NEW_NAME = "acme-site"
ANSWERS = {"aws:region": "eu-central-1", "ownerEmail": "owner@acme.example", "notifyEmail": "enquiries@acme.example"}


def pulumi_new(tmp_path: Path, stack: str, answers: dict[str, str]) -> Path:
    dest = tmp_path / NEW_NAME
    dest.mkdir()
    copy_template(ROOT, dest, NEW_NAME, "Acme's website")
    template = rewrite_project(dest, NEW_NAME, "Acme's website", URL)
    save_template_config(dest, NEW_NAME, stack, template, answers)
    return dest


def test_the_template_section_is_what_the_cli_reads() -> None:
    template = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["template"]
    assert set(template) <= TEMPLATE_FIELDS and template["displayName"] and template["quickstart"]
    declared = load_project(ROOT / "Pulumi.yaml")["config"]
    for key, prompt in template["config"].items():
        assert set(prompt) <= TEMPLATE_CONFIG_FIELDS and prompt["description"], key
        assert isinstance(prompt["default"], str), f"{key}: the CLI decodes a prompt's default as a string"
        # Every answer is stored as a plain string; the engine refuses one for an array or object setting.
        assert ":" in key or declared[key]["type"] in ("string", "integer", "boolean"), key


def test_no_tracked_file_holds_a_placeholder() -> None:
    """A placeholder would be replaced in the user's copy, and would break the project here."""
    holding = [f for f in tracked_files(ROOT) if any(p.encode() in (ROOT / f).read_bytes() for p in PLACEHOLDERS)]
    assert holding == []


def test_pulumi_new_with_answers_gives_a_first_preview_that_passes(tmp_path: Path) -> None:
    dest = pulumi_new(tmp_path, "dev", ANSWERS)
    project = load_project(dest / "Pulumi.yaml")
    assert project["name"] == NEW_NAME and "template" not in project
    assert project["config"]["pulumi:tags"] == {"value": {"pulumi:template": URL}}
    stack = load_stack_file(dest / "Pulumi.dev.yaml")
    assert stack[f"{NEW_NAME}:ownerEmail"].value == "owner@acme.example"
    apply_project_config("dev", project, stack)  # the engine's config step
    program = run_program("dev", project_dir=dest)
    assert program.one("aws:cognito/user:User").inputs["username"] == "owner@acme.example"
    assert program.one("aws:lambda/function:Function", "notify").inputs["environment"]["variables"]["NOTIFY_TO"] == (
        "enquiries@acme.example"
    )
    assert program.protects_enquiries()


def test_pulumi_new_accepting_every_default_previews(tmp_path: Path) -> None:
    """`pulumi new <URL> --yes`: empty answers are not written, so the defaults apply; nobody can sign in yet."""
    dest = pulumi_new(tmp_path, "dev", {})
    assert list(load_stack_file(dest / "Pulumi.dev.yaml")) == ["aws:region"]
    program = run_program("dev", project_dir=dest)
    assert program.of_type("aws:cognito/user:User") == [] and program.protects_enquiries()


def test_stack_init_prod_in_the_new_project_previews_protected(tmp_path: Path) -> None:
    dest = pulumi_new(tmp_path, "dev", ANSWERS)
    # `pulumi stack init prod` adopts the copied Pulumi.prod.yaml, as the dev stack adopted Pulumi.dev.yaml.
    program = run_program("prod", {f"{NEW_NAME}:ownerEmail": "owner@acme.example"}, project_dir=dest)
    assert program.protects_enquiries() and program.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")


def renamed(tmp_path: Path, prod_file: str) -> Path:
    """This repository with `name:` changed in Pulumi.yaml, and the given Pulumi.prod.yaml."""
    dest = tmp_path / "renamed"
    dest.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        shutil.copy(ROOT / name, dest / name)
    project = (dest / "Pulumi.yaml").read_text().replace(f"name: {PROJECT}\n", f"name: {NEW_NAME}\n", 1)
    (dest / "Pulumi.yaml").write_text(project)
    (dest / "Pulumi.prod.yaml").write_text(prod_file)
    return dest


def test_a_renamed_project_keeps_every_protection(tmp_path: Path) -> None:
    dest = renamed(tmp_path, (ROOT / "Pulumi.prod.yaml").read_text())
    for stack in ("dev", "prod"):
        program = run_program(stack, project_dir=dest)
        assert program.protects_enquiries(), stack
        assert {g.inputs["retentionInDays"] for g in program.of_type("aws:cloudwatch/logGroup:LogGroup")} == {365}


STRANDED = f"""config:
  aws:region: eu-west-1
  {PROJECT}:protectData: false
  {PROJECT}:logRetentionDays: 14
"""


def test_settings_left_under_the_old_name_stop_the_preview_with_the_fix(tmp_path: Path) -> None:
    dest = renamed(tmp_path, STRANDED)
    with pytest.raises(SettingsError) as raised:
        run_program("prod", project_dir=dest)
    message = str(raised.value)
    assert f"stack prod sets {PROJECT}:logRetentionDays, {PROJECT}:protectData, but this project is named" in message
    fix = message.split(" with: ", 1)[1]
    subprocess.run(fix, shell=True, cwd=dest, check=True)  # the one-line fix, exactly as printed
    assert "acme-site:protectData: false" in (dest / "Pulumi.prod.yaml").read_text()
    program = run_program("prod", project_dir=dest)
    assert (
        program.one("aws:dynamodb/table:Table", "submissions").inputs["deletionProtectionEnabled"] is False
    )  # as the file says


@pytest.mark.parametrize("key", ["aws:profile", "pulumi:tags", "other-provider:endpoint"])
def test_keys_of_providers_and_of_the_engine_are_not_stranded(key: str) -> None:
    run_program("dev", {key: "x"})


def test_the_program_reads_the_settings_pulumi_yaml_declares() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert set(declared_settings()) == set(declared) and "protectData" in declared
