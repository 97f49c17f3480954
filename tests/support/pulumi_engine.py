"""The Pulumi engine's config step as data: what `pulumi preview` does with Pulumi.yaml and a stack's config
before the program runs, refusing with the engine's own messages.

Transcribed (rules, not code) from pulumi/pulumi, Apache-2.0, `sdk/go/common/workspace`:
- project.go: `ValidateProject` (the project JSON schema), `Project.Validate` (default vs value, arrays need
  `items`, defaults of the declared type, keys of another namespace take only `value`), `ValidateConfigValue`
  (what each declared type accepts), `RewriteShorthandConfigValues`;
- config.go: `mergeConfig` (a declared key the stack lacks takes the project's default as a *plain* value; one
  with neither default nor value is missing) and `validateStackConfigValue` (a `secret: true` key must hold an
  encrypted value, then the type check);
- `sdk/go/common/resource/config`: how a stack file's values are read (`secure:` ciphertext, YAML scalars as
  text, lists and maps as objects) and what `pulumi config set [--secret] [--path]` stores.
Keys a stack sets that the project does not declare pass the engine untouched (this project's own tests are
stricter). Present in every CLI since 3.202, checked against the source on 2026-11-26.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA = Path(__file__).resolve().parent.parent / "vendor" / "pulumi-project.schema.json"


class EngineConfigError(Exception):
    """What the Pulumi CLI would print before running the program."""


@dataclass(frozen=True)
class StackValue:
    """One stack config value after decryption: text, or a list/map for an object value."""

    value: Any
    secure: bool = False  # set with --secret (a `secure:` ciphertext in the stack file)


@dataclass(frozen=True)
class Secret:
    """A value a test sets as `pulumi config set --secret` would."""

    value: str


def load_project(path: Path) -> dict[str, Any]:
    """Pulumi.yaml as the engine reads it: schema-checked, shorthand rewritten, then `Project.Validate`."""
    project = yaml.safe_load(path.read_text())
    errors = sorted(jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).iter_errors(project), key=str)
    if errors:
        raise EngineConfigError("; ".join(f"#/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors))
    name = project["name"]
    config = project.get("config") or {}
    for key, decl in list(config.items()):
        if not isinstance(decl, dict):  # shorthand: a project key's default, another namespace's value
            config[key] = {"default": decl} if _is_project_key(name, key) else {"value": decl}
    for key, decl in config.items():
        _validate_declaration(name, key, decl)
    return project


def _is_project_key(project: str, key: str) -> bool:
    return ":" not in key or key.startswith(f"{project}:")


def _validate_declaration(project: str, key: str, decl: dict[str, Any]) -> None:
    if "default" in decl and "value" in decl:
        raise EngineConfigError(f"project config '{key}' cannot have both a 'default' and 'value' attribute")
    typ = decl.get("type")
    if _is_project_key(project, key):
        if typ == "array" and "items" not in decl:
            raise EngineConfigError(
                f"The configuration key '{key}' declares an array but does not specify the underlying type "
                "via the 'items' attribute"
            )
        if typ and "default" in decl and not _has_type(typ, decl.get("items"), decl["default"]):
            raise EngineConfigError(
                f"The default value specified for configuration key '{key}' is not of the expected type "
                f"'{_type_name(typ, decl.get('items'))}'"
            )
        return
    if typ:
        raise EngineConfigError(
            f"Configuration key '{key}' is not namespaced by the project and should not define a type"
        )
    if "default" in decl:
        raise EngineConfigError(
            f"Configuration key '{key}' is not namespaced by the project and should not define a default value. "
            "Did you mean to use the 'value' attribute instead of 'default'?"
        )
    if "value" not in decl:
        raise EngineConfigError(f"Configuration key '{key}' is namespaced and must provide an attribute 'value'")


def _has_type(typ: str, items: dict[str, Any] | None, value: Any) -> bool:
    """`ValidateConfigValue`: plain values arrive as text, so integers and booleans may be text too."""
    if typ == "string":
        return isinstance(value, str)
    if typ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return True
        return isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value) is not None
    if typ == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if typ == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or items is None:
        return False
    return all(_has_type(items["type"], items.get("items"), item) for item in value)


def _type_name(typ: str, items: dict[str, Any] | None) -> str:
    return f"array<{_type_name(items['type'], items.get('items'))}>" if items else typ


def parse_key(project: str, key: str) -> str:
    """A key as Pulumi.yaml and `pulumi config set` take it: without a namespace, the project's."""
    return key if ":" in key else f"{project}:{key}"


def load_stack_file(path: Path) -> dict[str, StackValue]:
    """A Pulumi.<stack>.yaml's config. Its keys must be namespaced; ciphertext cannot be decrypted here."""
    values = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    config: dict[str, StackValue] = {}
    for key, raw in values.items():
        namespace, _, name = key.rpartition(":")
        if not namespace or not name:
            raise EngineConfigError(
                f"could not parse {key} as a configuration key "
                "(configuration keys should be of the form `<namespace>:<name>`)"
            )
        if isinstance(raw, dict) and set(raw) == {"secure"}:
            raise EngineConfigError(f"{path.name}: {key} is encrypted for one stack's key; set test values instead")
        config[key] = StackValue(raw)
    return config


def config_set(project: str, config: dict[str, StackValue], command: str) -> None:
    """Apply one `pulumi config set [--secret] [--path] KEY VALUE` line to a stack's config."""
    words = [w for w in shlex.split(command, comments=True) if w not in ("pulumi", "config", "set")]
    secret, path = "--secret" in words, "--path" in words
    key, value = [w for w in words if not w.startswith("--")]
    if not path:
        config[parse_key(project, key)] = StackValue(value, secret)
        return
    match = re.fullmatch(r"([^\[.]+)\[(\d+)\]", key)
    if not match:
        raise EngineConfigError(f"only NAME[INDEX] paths are emulated here, not {key!r}")
    full = parse_key(project, match[1])
    current = config.get(full)
    items = list(current.value) if current and isinstance(current.value, list) else []
    index = int(match[2])
    if index > len(items):
        raise EngineConfigError(f"{full}[{index}]: array index out of range")
    items[index:index + 1] = [_coerce(value)]  # fmt: skip
    config[full] = StackValue(items, secret or bool(current and current.secure))


def _coerce(text: str) -> Any:
    """A value set into an object by path: "true"/"false" and base-10 numbers (not 0-led) become typed."""
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?[1-9]\d*|0", text):
        return int(text)
    return text


def apply_project_config(stack: str, project: dict[str, Any], config: dict[str, StackValue]) -> dict[str, StackValue]:
    """`mergeConfig` with validation: defaults for what the stack lacks, then the secret and type checks."""
    name = project["name"]
    merged = dict(config)
    missing = []
    declared = project.get("config") or {}
    for key in sorted(declared):
        decl, full = declared[key], parse_key(name, key)
        if full in merged:
            continue
        if "value" in decl or "default" in decl:
            merged[full] = StackValue(decl.get("default", decl.get("value")))  # plain, never secure
        elif full.split(":")[0] == name:
            missing.append(key)
    if missing:
        quoted = [f"'{k}'" for k in missing]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" and {quoted[-1]}"
        noun = "value" if len(missing) == 1 else "values"
        raise EngineConfigError(f"Stack '{stack}' is missing configuration {noun} {listed}")
    for key in sorted(declared):
        decl = declared[key]
        if "type" not in decl:
            continue
        value = merged[parse_key(name, key)]
        if decl.get("secret") and not value.secure:
            raise EngineConfigError(f"Stack '{stack}' with configuration key '{key}' must be encrypted as it's secret")
        content = value.value if isinstance(value.value, list | dict) else _text(value.value)
        if not _has_type(decl["type"], decl.get("items"), content):
            raise EngineConfigError(
                f"Stack '{stack}' with configuration key '{key}' must be of type "
                f"'{_type_name(decl['type'], decl.get('items'))}'"
            )
    return merged


def _text(value: Any) -> str:
    """A plain value as the engine stores it: booleans and numbers as their JSON text."""
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def program_config(config: dict[str, StackValue]) -> tuple[dict[str, str], list[str]]:
    """What the language host hands the program: every value as text, and which keys are secrets."""
    return {key: _text(v.value) for key, v in config.items()}, sorted(k for k, v in config.items() if v.secure)
