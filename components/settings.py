"""Typed stack settings: the one place that reads Pulumi config, and validates it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pulumi

# CloudWatch Logs accepts only these retention periods (days); 0 means never expire.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
MFA_MODES = ("OFF", "OPTIONAL", "ON")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")


class SettingsError(pulumi.RunError):
    """A stack setting with a value the program cannot use; stops `pulumi preview` with this message."""


@dataclass(frozen=True)
class StackSettings:
    region: str
    protect_data: bool  # deletion protection, point-in-time recovery and `protect` on the table
    log_retention_days: int
    submission_retention_days: int  # 0 keeps submissions forever
    throttle_rate_limit: int  # steady requests per second across the API
    throttle_burst_limit: int
    lambda_memory_mb: int
    lambda_timeout_seconds: int
    price_class: str
    owner_emails: tuple[str, ...]  # Cognito users created by the stack
    owner_mfa: str


def _bad(key: str, value: object, allowed: str) -> SettingsError:
    return SettingsError(f"stack setting {key}={value!r} is not allowed; {allowed}")


def _int(config: pulumi.Config, key: str, low: int, high: int) -> int:
    raw = config.require(key)
    try:
        value = int(raw)
    except ValueError:
        raise _bad(key, raw, f"use a whole number from {low} to {high}") from None
    if not low <= value <= high:
        raise _bad(key, value, f"use a whole number from {low} to {high}")
    return value


def _bool(config: pulumi.Config, key: str) -> bool:
    raw = config.require(key)
    if raw.lower() not in ("true", "false"):
        raise _bad(key, raw, "use true or false")
    return raw.lower() == "true"


def _choice(key: str, value: object, choices: tuple[object, ...]) -> None:
    if value not in choices:
        raise _bad(key, value, "use one of " + ", ".join(str(c) for c in choices))


def _emails(config: pulumi.Config, key: str) -> tuple[str, ...]:
    raw = config.require(key)
    try:
        values = json.loads(raw)
    except json.JSONDecodeError:
        values = None
    if not isinstance(values, list) or not all(isinstance(v, str) and _EMAIL.match(v) for v in values):
        raise _bad(key, raw, 'use a list of email addresses: pulumi config set --path "ownerEmails[0]" you@example.com')
    return tuple(values)


def load_settings() -> StackSettings:
    """Read and check every setting. Defaults live in Pulumi.yaml, which the CLI applies."""
    config = pulumi.Config()
    region = pulumi.Config("aws").get("region") or ""
    if not region:
        raise _bad("aws:region", region, "set it with `pulumi config set aws:region eu-west-1` (any AWS region)")
    log_retention = _int(config, "logRetentionDays", 1, 3653)
    _choice("logRetentionDays", log_retention, LOG_RETENTION_DAYS)
    price_class = config.require("priceClass")
    _choice("priceClass", price_class, PRICE_CLASSES)
    rate = _int(config, "throttleRateLimit", 1, 10000)
    burst = _int(config, "throttleBurstLimit", 1, 5000)
    if burst < rate:
        raise _bad("throttleBurstLimit", burst, f"use at least throttleRateLimit ({rate}) so a burst can pass")
    mfa = config.require("ownerMfa")
    _choice("ownerMfa", mfa, MFA_MODES)
    return StackSettings(
        region=region,
        protect_data=_bool(config, "protectData"),
        log_retention_days=log_retention,
        submission_retention_days=_int(config, "submissionRetentionDays", 0, 36500),
        throttle_rate_limit=rate,
        throttle_burst_limit=burst,
        lambda_memory_mb=_int(config, "lambdaMemoryMb", 128, 10240),
        lambda_timeout_seconds=_int(config, "lambdaTimeoutSeconds", 3, 29),
        price_class=price_class,
        owner_emails=_emails(config, "ownerEmails"),
        owner_mfa=mfa,
    )
