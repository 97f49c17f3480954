"""Pulumi.yaml and the stack files: valid for the CLI, and every setting declared once with a default."""

from __future__ import annotations

import json
import re
import subprocess

import jsonschema
import pytest
import yaml

from tests.support.mocked_program import PROJECT
from tests.support.paths import ROOT
from tests.support.pulumi_engine import SCHEMA


def test_project_file_matches_the_pulumi_cli_schema() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(project)
    assert project["name"] == PROJECT
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}


def test_every_setting_is_typed_with_a_default_and_described() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    for key, decl in declared.items():
        assert {"type", "default", "description"} <= set(decl), f"{key} lacks a type, default or description"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_files_set_only_declared_settings(stack: str) -> None:
    declared = set(yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"])
    values = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    assert "aws:region" in values, f"Pulumi.{stack}.yaml must set aws:region"
    unknown = [k for k in values if k.startswith(f"{PROJECT}:") and k.split(":", 1)[1] not in declared]
    assert not unknown, f"Pulumi.{stack}.yaml sets undeclared settings {unknown}"
    foreign = [k for k in values if not k.startswith((f"{PROJECT}:", "aws:"))]
    assert not foreign, f"Pulumi.{stack}.yaml sets keys of no known namespace: {foreign}"


def test_readme_settings_table_lists_every_setting() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    readme = (ROOT / "README.md").read_text()
    missing = [key for key in declared if f"`{key}`" not in readme]
    assert not missing, f"README.md's settings table lacks {missing}"


def test_nothing_tracked_needs_what_a_users_clone_lacks() -> None:
    """A user's clone has nothing beside it (CI's has the team's shared folder): only .ci/run may name that."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    pattern = re.compile(rb"\.\./shared|[\"']shared[\"']|/shared[/]")  # spelt so as not to match itself
    naming = [
        name
        for name in tracked.decode().split("\0")
        if name and name != ".ci/run" and (ROOT / name).is_file() and pattern.search((ROOT / name).read_bytes())
    ]
    assert naming == [], f"these tracked files refer to a folder beside the clone, which a user's clone lacks: {naming}"


def test_readme_settings_table_shows_each_default() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    readme = (ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([A-Za-z0-9]+)` \| `(.*?)` \|", readme, re.M))
    wrong = {key: rows.get(key) for key, decl in declared.items() if rows.get(key) != _shown(decl["default"])}
    assert wrong == {}, f"README.md's settings table shows other defaults than Pulumi.yaml: {wrong}"


def _shown(default: object) -> str:
    if isinstance(default, bool):
        return str(default).lower()
    return json.dumps(default) if isinstance(default, list | str) and not default else str(default)


def test_readme_deploys_with_pulumi_new_and_shows_the_policy_pack() -> None:
    readme = (ROOT / "README.md").read_text()
    deploy = readme.split("## Deploy to AWS", 1)[1]
    first_block = re.search(r"```sh\n(.*?)```", deploy, re.S)
    assert first_block and "pulumi new https://" in first_block[1]
    assert "pulumi preview --policy-pack policy" in deploy and "(cd policy && pulumi install)" in deploy
    assert "PULUMI_CONFIG_PASSPHRASE" in deploy and "URN" in deploy
    assert "DESIGN.md" not in readme, "the repository has no DESIGN.md"
