"""Typed stack settings: the one place that reads Pulumi config, and validates it."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pulumi
import yaml
from pulumi.runtime.config import CONFIG, get_config_env

from declarations import mail_spec
from handlers.form_schema import EMAIL_PATTERN, EXTRA_FIELDS_MODES, KEEP

# CloudWatch Logs accepts only these retention periods (days); 0 means never expire.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                      2557, 2922, 3288, 3653)  # fmt: skip
MFA_MODES = ("OFF", "OPTIONAL", "ON")
# The handlers' DynamoDB client gives up within 7 s (handlers/dynamodb_client.py); functions must outlive it.
MIN_FUNCTION_TIMEOUT = 8
_EMAIL = re.compile(EMAIL_PATTERN)  # the same check as the contact form's
# Optional secrets: Pulumi.yaml cannot mark them `secret: true` (see there), so the program checks.
WEBHOOK_KEYS = ("webhookUrl", "webhookSecret")
BOT_CHECKS = ("", "turnstile")
# Turnstile's keys: a digit, "x", then letters, digits, "-" or "_" (its test keys are 1x00000000000000000000AA...).
TURNSTILE_KEY = re.compile(r"^[0-9]x[A-Za-z0-9_-]{10,100}$")
HOST_NAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$")
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
# An origin as browsers send it: scheme, host and an optional port; https only (http for loopback while testing).
ORIGIN = re.compile(r"^(https://[a-z0-9.-]+|http://(localhost|127\.0\.0\.1))(:\d{1,5})?$")


PROJECT_FILE = Path(__file__).resolve().parent.parent / "Pulumi.yaml"
# Namespaces whose keys are never this project's settings, whatever their names: the AWS provider's and the engine's.
OTHER_OWNERS = ("aws", "pulumi")


class SettingsError(pulumi.RunError):
    """A stack setting with a value the program cannot use; stops `pulumi preview` with this message."""


@dataclass(frozen=True)
class Notifications:
    sender: str  # the SES identity emails come from; "" for notifications@ the mail domain
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class MailDomainSettings:
    name: str | None  # None: the hosted zone's own domain
    zone_id: str
    mail_from_subdomain: str
    dmarc_policy: str  # "" publishes no DMARC record


@dataclass(frozen=True)
class Webhook:
    """Both values are Pulumi secrets; they reach the function through SSM, never its environment."""

    url: pulumi.Output[str]
    secret: pulumi.Output[str]


@dataclass(frozen=True)
class BotCheck:
    """The optional bot check on the contact form (README "Bots and floods")."""

    provider: str  # "turnstile"
    site_key: str  # public: it is in the contact page
    secret: pulumi.Output[str]  # a Pulumi secret; it reaches the notify function through SSM


@dataclass(frozen=True)
class Alarms:
    enabled: bool
    email: str  # "" for a topic without a subscription
    api_5xx_threshold: int  # 5xx answers in 5 minutes
    function_error_threshold: int  # errors of one function in 5 minutes


@dataclass(frozen=True)
class CustomDomain:
    name: str  # e.g. www.example.com
    hosted_zone_id: str  # the Route 53 zone that holds it


@dataclass(frozen=True)
class StackSettings:
    region: str
    protect_data: bool  # deletion protection, point-in-time recovery and `protect` on the table
    log_retention_days: int
    submission_retention_days: int  # 0 keeps submissions forever
    spam_retention_days: int  # spam expires this many days after it became spam (or sooner, by the above)
    throttle_rate_limit: int  # steady requests per second across the API
    throttle_burst_limit: int
    contact_rate_limit: int  # POST /api/contact alone: public, so tighter
    contact_burst_limit: int
    contact_client_limit: int  # posts an hour one visitor may make before the rest are kept as spam
    contact_client_ceiling: int  # posts an hour past which one visitor's posts are refused (429)
    edge_secret_version: int  # raise by one to rotate the secret CloudFront sends the API
    keep_extra_fields: bool  # store unknown contact fields (extraFields: keep) instead of refusing the post
    allowed_origins: tuple[str, ...]  # other sites whose scripts may call the API (CORS); () is same origin
    lambda_memory_mb: int
    lambda_timeout_seconds: int
    price_class: str
    page_version_retention_days: int  # how long the site bucket keeps a page's old versions
    owner_emails: tuple[str, ...]  # Cognito users created by the stack
    owner_mfa: str
    notifications: Notifications | None  # None: no email
    notify_max_per_hour: int  # enquiry emails an hour; the rest in one digest after it
    mail_domain: MailDomainSettings | None  # None: single-address sending (or none), Cognito's default sender
    webhook: Webhook | None
    bot_check: BotCheck | None  # None: no bot check
    alarms: Alarms
    waf_rate_limit: int  # requests per 5 minutes per IP on /api/*; 0: no WAF
    waf_contact_rate_limit: int  # posts per minute per IP to /api/contact (with the WAF)
    domain: CustomDomain | None  # None: the CloudFront domain


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
        raise _bad(key, raw, f'use a list of email addresses: pulumi config set --path "{key}[0]" you@example.com')
    return tuple(values)


def _email(config: pulumi.Config, key: str) -> str:
    value = config.require(key)
    if value and not _EMAIL.match(value):
        raise _bad(key, value, "use an email address, or leave it empty")
    return value


def _merged_emails(config: pulumi.Config, list_key: str, one_key: str) -> tuple[str, ...]:
    """A list setting plus its single-value twin (what `pulumi new` can prompt for), each address once."""
    one = _email(config, one_key)
    return tuple(dict.fromkeys([*_emails(config, list_key), *([one] if one else [])]))


def _notifications(config: pulumi.Config, mail_domain: MailDomainSettings | None) -> Notifications | None:
    recipients = _merged_emails(config, "notifyTo", "notifyEmail")
    sender = _email(config, "notifyFrom")
    if recipients and not sender and mail_domain is None:
        # One address to verify in SES's sandbox, sending and receiving: what a first stack needs.
        sender = recipients[0]
    if sender and not recipients:
        raise _bad("notifyTo", [], "set notifyTo with notifyFrom (email is off when both are empty)")
    if sender and mail_domain is None and sender.rsplit("@", 1)[1].lower() in mail_spec.FREE_MAIL_DOMAINS:
        pulumi.log.warn(
            f"notifyFrom={sender!r} is at a free-mail provider whose DMARC policy tells receivers to refuse or junk "
            "mail from it sent by SES. Use an address at your own domain, ideally with domain and hostedZoneId "
            "set so the stack signs mail for it (DKIM, SPF)."
        )
    return Notifications(sender, recipients) if recipients else None


def _mail_domain(config: pulumi.Config, domain: CustomDomain | None) -> MailDomainSettings | None:
    name, zone = config.require("mailDomain"), config.require("hostedZoneId")
    if name == "none" or (not name and domain is None):
        return None
    if not zone:
        raise _bad("mailDomain", name, "set hostedZoneId too: the stack writes the domain's DKIM and SPF records")
    if name and not HOST_NAME.match(name):
        raise _bad("mailDomain", name, 'use a lower-case domain like example.com, "" for the zone\'s, or "none"')
    subdomain = config.require("mailFromSubdomain")
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", subdomain):
        raise _bad("mailFromSubdomain", subdomain, "use one lower-case DNS label such as bounce")
    policy = config.require("dmarcPolicy")
    if policy:
        _choice("dmarcPolicy", policy, mail_spec.DMARC_POLICIES)
    return MailDomainSettings(name or None, zone, subdomain, policy)


def _origins(config: pulumi.Config) -> tuple[str, ...]:
    raw = config.require("allowedOrigins")
    try:
        values = json.loads(raw)
    except json.JSONDecodeError:
        values = None
    if not isinstance(values, list) or not all(isinstance(v, str) and ORIGIN.match(v) for v in values):
        raise _bad(
            "allowedOrigins",
            raw,
            'use a list of origins like https://shop.example.com (scheme and host, no path, no "*"): '
            'pulumi config set --path "allowedOrigins[0]" https://shop.example.com',
        )
    return tuple(values)


def _webhook(config: pulumi.Config) -> Webhook | None:
    # The plain values are read only to check them; the program uses the secret Outputs.
    values = {key: pulumi.runtime.get_config(f"{pulumi.get_project()}:{key}") or "" for key in WEBHOOK_KEYS}
    for key, value in values.items():
        if value and not pulumi.runtime.is_config_secret(f"{pulumi.get_project()}:{key}"):
            raise _bad(key, "[not shown]", f"set it as a secret: `pulumi config set --secret {key} …`")
    url, secret = values["webhookUrl"], values["webhookSecret"]
    if not url:
        if secret:
            raise _bad("webhookUrl", "", "set webhookUrl too, or remove webhookSecret")
        return None
    if not re.match(r"^https://[^\s/]+", url):
        raise _bad(
            "webhookUrl", "[secret]", "use an https:// URL (set it with `pulumi config set --secret webhookUrl`)"
        )
    if not _is_standard_webhook_secret(secret):
        raise _bad(
            "webhookSecret",
            "[secret]",
            'use whsec_ and 24 to 64 random bytes in base64: "whsec_$(openssl rand -base64 32)", set with --secret',
        )
    return Webhook(config.require_secret("webhookUrl"), config.require_secret("webhookSecret"))


def _bot_check(config: pulumi.Config) -> BotCheck | None:
    provider, site_key = config.require("botCheck"), config.require("botCheckSiteKey")
    _choice("botCheck", provider, BOT_CHECKS)
    key = f"{pulumi.get_project()}:botCheckSecret"
    secret = pulumi.runtime.get_config(key) or ""
    if secret and not pulumi.runtime.is_config_secret(key):
        raise _bad("botCheckSecret", "[not shown]", "set it as a secret: `pulumi config set --secret botCheckSecret …`")
    if not provider:
        if site_key or secret:
            raise _bad("botCheck", "", "set it to turnstile to use botCheckSiteKey and botCheckSecret, or remove them")
        return None
    if not TURNSTILE_KEY.match(site_key):
        raise _bad("botCheckSiteKey", site_key, "use the site key Cloudflare's Turnstile page shows, like 0x4AAAAAAA…")
    if not TURNSTILE_KEY.match(secret):
        raise _bad(
            "botCheckSecret",
            "[secret]",
            "use the secret key from Cloudflare's Turnstile page: `pulumi config set --secret botCheckSecret …`",
        )
    return BotCheck(provider, site_key, config.require_secret("botCheckSecret"))


def _is_standard_webhook_secret(secret: str) -> bool:
    """A Standard Webhooks signing secret: "whsec_" then 24 to 64 bytes (the specification's range) in base64."""
    if not secret.startswith("whsec_"):
        return False
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        return False
    return 24 <= len(key) <= 64


def _domain(config: pulumi.Config) -> CustomDomain | None:
    name, zone = config.require("domain"), config.require("hostedZoneId")
    if bool(name) != bool(zone):
        raise _bad("domain", name, "set domain and hostedZoneId together (or neither, for the CloudFront domain)")
    if name and not HOST_NAME.match(name):
        raise _bad("domain", name, "use a lower-case host name like www.example.com")
    return CustomDomain(name, zone) if name else None


def _owner_emails(config: pulumi.Config) -> tuple[str, ...]:
    owners = _merged_emails(config, "ownerEmails", "ownerEmail")
    if not owners:
        pulumi.log.warn(
            "ownerEmails and ownerEmail are empty, so nobody can sign in to the dashboard: "
            "pulumi config set ownerEmail you@example.com"
        )
    return owners


def declared_settings() -> tuple[str, ...]:
    """The settings Pulumi.yaml declares: the names this program reads under the project's namespace."""
    declared = yaml.safe_load(PROJECT_FILE.read_text())["config"]
    return tuple(key for key in declared if ":" not in key)


def refuse_stranded_settings(project: str, stack: str, config: dict[str, object], declared: tuple[str, ...]) -> None:
    """Stop when the stack sets one of this project's settings under another project's name.

    The engine passes such keys along without a word (it checks only the keys of the project's own namespace), and
    the program reads only its own, so after a rename of the project they would silently fall back to defaults."""
    stranded: dict[str, list[str]] = {}
    for key in sorted(config):
        namespace, _, name = key.rpartition(":")
        if namespace not in ("", project, *OTHER_OWNERS) and name in declared:
            stranded.setdefault(namespace, []).append(key)
    if not stranded:
        return
    fixes = " && ".join(
        f"perl -pi -e 's/^(\\s*){old.replace('.', '[.]')}:/$1{project}:/' Pulumi.{stack}.yaml" for old in stranded
    )
    keys = ", ".join(k for ks in stranded.values() for k in ks)
    raise SettingsError(
        f"stack {stack} sets {keys}, but this project is named {project}, so the program would never read them "
        f"and the stack would deploy with the defaults instead. Rename them to {project}:… with: {fixes}"
    )


def load_settings() -> StackSettings:
    """Read and check every setting. Defaults live in Pulumi.yaml, which the CLI applies."""
    # Every key the stack holds, looked up as pulumi.Config does: the SDK's store, then PULUMI_CONFIG.
    given = {**get_config_env(), **CONFIG.get()}
    refuse_stranded_settings(pulumi.get_project(), pulumi.get_stack(), given, declared_settings())
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
    contact_rate = _int(config, "contactRateLimit", 1, rate)
    contact_burst = _int(config, "contactBurstLimit", 1, burst)
    if contact_burst < contact_rate:
        raise _bad("contactBurstLimit", contact_burst, f"use at least contactRateLimit ({contact_rate})")
    client_limit = _int(config, "contactClientLimit", 1, 1000)
    client_ceiling = _int(config, "contactClientCeiling", 1, 100000)
    if client_ceiling < client_limit:
        raise _bad("contactClientCeiling", client_ceiling, f"use at least contactClientLimit ({client_limit})")
    domain = _domain(config)
    mail_domain = _mail_domain(config, domain)
    mfa = config.require("ownerMfa")
    _choice("ownerMfa", mfa, MFA_MODES)
    extra_fields = config.require("extraFields")
    _choice("extraFields", extra_fields, EXTRA_FIELDS_MODES)
    return StackSettings(
        region=region,
        protect_data=_bool(config, "protectData"),
        log_retention_days=log_retention,
        submission_retention_days=_int(config, "submissionRetentionDays", 0, 36500),
        spam_retention_days=_int(config, "spamRetentionDays", 1, 3650),
        throttle_rate_limit=rate,
        throttle_burst_limit=burst,
        contact_rate_limit=contact_rate,
        contact_burst_limit=contact_burst,
        contact_client_limit=client_limit,
        contact_client_ceiling=client_ceiling,
        edge_secret_version=_int(config, "edgeSecretVersion", 1, 1_000_000),
        keep_extra_fields=extra_fields == KEEP,
        allowed_origins=_origins(config),
        lambda_memory_mb=_int(config, "lambdaMemoryMb", 128, 10240),
        lambda_timeout_seconds=_int(config, "lambdaTimeoutSeconds", MIN_FUNCTION_TIMEOUT, 29),
        price_class=price_class,
        page_version_retention_days=_int(config, "pageVersionRetentionDays", 1, 3650),
        owner_emails=_owner_emails(config),
        owner_mfa=mfa,
        notifications=_notifications(config, mail_domain),
        notify_max_per_hour=_int(config, "notifyMaxPerHour", 1, 10000),
        mail_domain=mail_domain,
        webhook=_webhook(config),
        bot_check=_bot_check(config),
        alarms=Alarms(
            enabled=_bool(config, "alarmsEnabled"),
            email=_email(config, "alarmEmail"),
            api_5xx_threshold=_int(config, "alarmApi5xxThreshold", 1, 100000),
            function_error_threshold=_int(config, "alarmFunctionErrorThreshold", 1, 100000),
        ),
        waf_rate_limit=_waf_rate(config, "wafRateLimit"),
        waf_contact_rate_limit=_waf_rate(config, "wafContactRateLimit"),
        domain=domain,
    )


def _waf_rate(config: pulumi.Config, key: str) -> int:
    value = _int(config, key, 0, 2_000_000_000)
    if 0 < value < 10:
        raise _bad(key, value, "use 0 (no WAF) or at least 10, AWS WAF's lowest rate limit")
    return value
