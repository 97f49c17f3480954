"""What `pulumi new <this repository's URL> --name NAME --stack STACK` does to the repository, step by step.

Transcribed (steps, not code) from pulumi/pulumi, Apache-2.0, at commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8
(2026-08-21, pkg/v3.259.0-14); the line ranges are at that commit:
- pkg/cmd/pulumi/templates/project_templates.go: walkFiles 645-692 (every file but the .git directory and a
  legacy `.pulumi.template.yaml`; the project placeholder in file names), CopyTemplateFiles 498-570 (text files get
  the project and description placeholders replaced, in files ending `.yaml` by yaml.Marshal of the value, 503-512 and
  539-543; mode = the source's | 0o600; an existing file is refused, 766-792), transform 753-763, isBinary
  794-809 (a NUL in the first 8,000 bytes). The URL is a shallow clone (gitutil/retrieve.go 30-89): tracked files.
- pkg/cmd/pulumi/project/newcmd/new.go 302-337: the copied Pulumi.yaml is re-read; its name set, its description
  set when given, `template:` removed, and `pulumi:tags` given `pulumi:template: <URL>`
  (sdk/go/common/workspace/project.go AddConfigStackTags 1389-1414; the URL sanitised, newcmd/template.go 129-139).
- pkg/cmd/pulumi/project/newcmd/config.go: resolveTemplateConfig 233-293 (a template key without `:` is put in
  the new project's namespace, config/io.go 384-418; a value is the answer, else the default), then
  encryptTemplateConfig 320-347 (empty values are not written; the rest as plain strings, secrets encrypted),
  and SaveConfig 436-453 into Pulumi.<stack>.yaml, which for a stack named like a copied file is that file.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.support.pulumi_engine import parse_key

PLACEHOLDERS = ("${" + "PROJECT}", "${" + "DESCRIPTION}")  # spelt apart so this file holds neither
TEMPLATE_FIELDS = {"displayName", "description", "quickstart", "config", "important", "metadata"}  # apitype 108-124
TEMPLATE_CONFIG_FIELDS = {"description", "default", "secret"}  # apitype/templates.go 126-134


def tracked_files(repo: Path) -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (repo / name).is_file()]


def _yaml_scalar(value: str) -> str:
    """yaml.v3's Marshal of a string: plain when it can be, quoted otherwise, and always a trailing newline."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_. -]*", value) and yaml.safe_load(value) == value
    return (value if plain else json.dumps(value)) + "\n"


def copy_template(repo: Path, dest: Path, name: str, description: str) -> None:
    """CopyTemplateFiles over the files a clone holds."""
    for relative in tracked_files(repo):
        if Path(relative).name == ".pulumi.template.yaml":
            continue
        source, target = repo / relative, dest / relative.replace(PLACEHOLDERS[0], name)
        data = source.read_bytes()
        if 0 not in data[:8000]:
            as_yaml = relative.endswith(".yaml")
            values = (_yaml_scalar(name), _yaml_scalar(description)) if as_yaml else (name, description)
            text = data.decode()
            for placeholder, value in zip(PLACEHOLDERS, values, strict=True):
                text = text.replace(placeholder, value)
            data = text.encode()
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with target.open("xb") as out:  # O_EXCL: pulumi new never overwrites without --force
            out.write(data)
        target.chmod(source.stat().st_mode & 0o777 | 0o600)


def rewrite_project(dest: Path, name: str, description: str, url: str) -> dict[str, Any]:
    """new.go 302-337: the project as the new directory keeps it."""
    path = dest / "Pulumi.yaml"
    project = yaml.safe_load(path.read_text())
    template = project.pop("template")
    project["name"] = name
    if description:
        project["description"] = description
    project.setdefault("config", {})["pulumi:tags"] = {"value": {"pulumi:template": url}}
    path.write_text(yaml.safe_dump(project, sort_keys=False))
    return dict(template)


def save_template_config(
    dest: Path, project: str, stack: str, template: dict[str, Any], answers: dict[str, str]
) -> None:
    """resolveTemplateConfig, encryptTemplateConfig and SaveConfig: the answers into Pulumi.<stack>.yaml, beside
    whatever that file (copied from the template) already sets."""
    path = dest / f"Pulumi.{stack}.yaml"
    document = (yaml.safe_load(path.read_text()) if path.exists() else None) or {}
    config = document.setdefault("config", {})
    for key, declared in sorted((template.get("config") or {}).items()):
        value = answers.get(key, declared.get("default", ""))
        if value != "":  # empty answers are not written
            config[parse_key(project, key)] = str(value)  # a plain string, whatever the setting's type
    path.write_text(yaml.safe_dump(document, sort_keys=False))
