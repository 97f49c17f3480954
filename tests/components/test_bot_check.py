"""The optional bot check as the program declares it: settings refused unless right (the secret only as a Pulumi
secret), the secret in SSM for the notify function alone, the widget and its CSP opening only when on."""

from __future__ import annotations

import json

import pytest

from components.settings import SettingsError
from declarations import web_assets
from handlers import env_names as env
from tests.support.mocked_program import (
    BOT_CHECK_SECRET,
    BOT_CHECK_SITE_KEY,
    PROJECT,
    Declared,
    Program,
    run_program,
)
from tests.support.pulumi_engine import Secret

SECRET_SIG = "4dabf18193072939515e22adb298388d"  # pulumi's marker for a secret value
TURNSTILE = {
    f"{PROJECT}:botCheck": "turnstile",
    f"{PROJECT}:botCheckSiteKey": BOT_CHECK_SITE_KEY,
    f"{PROJECT}:botCheckSecret": Secret(BOT_CHECK_SECRET),
}


@pytest.fixture(scope="module")
def checked() -> Program:
    """The dev stack with only the bot check on: no email, no webhook."""
    return run_program("dev", TURNSTILE)


def variables(program: Program, name: str) -> dict[str, str]:
    return program.one("aws:lambda/function:Function", name).inputs["environment"]["variables"]


def statements(program: Program, name: str) -> list[dict]:
    (policy,) = [p for p in program.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == f"{name}-policy"]
    return json.loads(policy.inputs["policy"])["Statement"]


def contact_page(program: Program) -> Declared:
    (page,) = [o for o in program.of_type("aws:s3/bucketObjectv2:BucketObjectv2") if o.inputs["key"] == "contact.html"]
    return page


def csp(program: Program) -> dict[str, str]:
    policy = program.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs
    text = policy["securityHeadersConfig"]["contentSecurityPolicy"]["contentSecurityPolicy"]
    return dict(part.split(" ", 1) for part in text.split("; "))


def test_the_check_alone_brings_the_notify_function_with_its_secret_in_ssm(checked: Program) -> None:
    parameter = checked.one("aws:ssm/parameter:Parameter", "notify-bot-check")
    assert parameter.inputs["type"] == "SecureString"
    value = parameter.inputs["value"]
    assert isinstance(value, dict) and value.get(SECRET_SIG) and value["value"] == BOT_CHECK_SECRET
    notify = variables(checked, "notify")
    assert notify[env.BOT_CHECK_PARAMETER] == parameter.outputs["name"]
    assert notify[env.SPAM_RETENTION_DAYS] == "30" and notify[env.TABLE_NAME]
    (host,) = notify[env.BOT_CHECK_HOSTNAMES].split(",")
    assert host.endswith(".cloudfront.net")
    for function in checked.of_type("aws:lambda/function:Function"):
        assert BOT_CHECK_SECRET not in json.dumps(function.inputs.get("environment", {})), function.name
    assert "NOTIFY_FROM" not in notify, "email stays off"


def test_the_notify_function_may_read_only_its_secret_and_update_posts(checked: Program) -> None:
    parameter = checked.one("aws:ssm/parameter:Parameter", "notify-bot-check")
    table = checked.one("aws:dynamodb/table:Table", "submissions")
    granted = {(a, json.dumps(s["Resource"])) for s in statements(checked, "notify") for a in s["Action"]}
    assert ("ssm:GetParameter", json.dumps(parameter.outputs["arn"])) in granted
    assert ("dynamodb:UpdateItem", json.dumps(table.outputs["arn"])) in granted
    assert not {a for a, _ in granted} & {"dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "ssm:*"}


def test_only_the_contact_function_keeps_tokens(checked: Program, program: Program) -> None:
    assert variables(checked, "api-contact")[env.BOT_CHECK] == "turnstile"
    others = [f for f in checked.of_type("aws:lambda/function:Function") if f.name != "api-contact"]
    assert all("BOT_CHECK" not in (f.inputs.get("environment") or {}).get("variables", {}) for f in others)
    assert "BOT_CHECK" not in variables(program, "api-contact")


def test_the_contact_page_gets_the_widget_and_the_csp_its_origin_only_when_on(
    checked: Program, program: Program
) -> None:
    page = contact_page(checked).inputs["source"]
    text = page.text if hasattr(page, "text") else str(page)
    assert f'data-sitekey="{BOT_CHECK_SITE_KEY}"' in text and web_assets.NO_SCRIPT_NOTICE in text
    assert f'<script src="{web_assets.TURNSTILE_ORIGIN}/turnstile/v0/api.js" async defer>' in text
    policy = csp(checked)
    assert policy["script-src"] == f"'self' {web_assets.TURNSTILE_ORIGIN}"
    assert policy["frame-src"] == web_assets.TURNSTILE_ORIGIN
    plain = csp(program)
    assert plain["script-src"] == "'self'" and "frame-src" not in plain
    assert "cf-turnstile" not in str(contact_page(program).inputs["source"])


def test_with_a_domain_and_other_sites_each_is_a_hostname_the_token_may_come_from(everything: Program) -> None:
    hosts = variables(everything, "notify")[env.BOT_CHECK_HOSTNAMES].split(",")
    assert hosts == ["www.example.com", "shop.example.com"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"botCheck": "recaptcha"}, "botCheck='recaptcha' is not allowed; use one of , turnstile"),
        ({"botCheckSiteKey": BOT_CHECK_SITE_KEY}, "set it to turnstile to use botCheckSiteKey"),
        ({"botCheckSecret": Secret(BOT_CHECK_SECRET)}, "set it to turnstile to use botCheckSiteKey and botCheckSecret"),
        (
            {**{k.split(":")[1]: v for k, v in TURNSTILE.items()}, "botCheckSecret": BOT_CHECK_SECRET},
            "set it as a secret",
        ),
        ({**{k.split(":")[1]: v for k, v in TURNSTILE.items()}, "botCheckSiteKey": ""}, "botCheckSiteKey='' is not"),
        ({**{k.split(":")[1]: v for k, v in TURNSTILE.items()}, "botCheckSiteKey": "site key"}, "use the site key"),
        ({"botCheck": "turnstile", "botCheckSiteKey": BOT_CHECK_SITE_KEY}, "botCheckSecret='[secret]' is not"),
        ({**{k.split(":")[1]: v for k, v in TURNSTILE.items()}, "botCheckSecret": Secret("x")}, "use the secret key"),
    ],
)
def test_bad_bot_check_settings_are_refused(overrides: dict, expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        run_program("dev", {f"{PROJECT}:{k}": v for k, v in overrides.items()})
    assert expected in str(raised.value)
    assert BOT_CHECK_SECRET not in str(raised.value)
