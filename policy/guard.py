"""The policy pack's policies: each rule of security_rules.py as a mandatory CrossGuard policy."""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from security_rules import RESOURCE_RULES, STACK_RULES, Resource, ResourceRule, StackRule

PACK_NAME = "connecting-the-dots-guard"


def _schema(rule: ResourceRule | StackRule) -> PolicyConfigSchema | None:
    """The rule's settings, so `--policy-pack-config` can change them (and the CLI fills the defaults)."""
    if not rule.config:
        return None
    return PolicyConfigSchema(
        {key: {"type": "array", "items": {"type": "string"}, "default": value} for key, value in rule.config.items()}
    )


def _options(rule: ResourceRule | StackRule) -> dict[str, Any]:
    """What every policy of the pack declares: the rule's name and reason, mandatory, and its settings."""
    return {
        "name": rule.name,
        "description": rule.why,
        "enforcement_level": EnforcementLevel.MANDATORY,
        "config_schema": _schema(rule),
    }


def _resource_policy(rule: ResourceRule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in rule.types:
            return
        protect = bool(args.opts and args.opts.protect)
        for message in rule.check(Resource(args.resource_type, args.name, args.props, protect), args.get_config()):
            report_violation(message, None)

    return ResourceValidationPolicy(**_options(rule), validate=validate)


def _stack_policy(rule: StackRule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [
            Resource(r.resource_type, r.name, r.props, bool(r.opts and r.opts.protect)) for r in args.resources
        ]
        for message in rule.check(resources, args.get_config()):
            report_violation(message, None)

    return StackValidationPolicy(**_options(rule), validate=validate)


POLICIES: list[Any] = [*map(_resource_policy, RESOURCE_RULES), *map(_stack_policy, STACK_RULES)]
