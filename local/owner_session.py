"""Signing in to a local runner as its printed owner, as the dashboard page does (for scripts and tests)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3

from declarations import web_assets
from handlers.table_schema import STATUSES

# The password scripts and tests choose for the runner's owner at first sign-in (it meets the pool's policy).
NEW_PASSWORD = "Blue-Kettle-Song-81!"  # noqa: S105  (the local emulator's throwaway owner)


def page_config(site_url: str) -> dict[str, str]:
    """The values the runner's config.js hands to the pages."""
    with urllib.request.urlopen(f"{site_url}/config.js", timeout=10) as response:  # noqa: S310  (loopback)
        body = response.read().decode()
    return web_assets.read_config_js(body)


def cognito_client(site_url: str) -> tuple[Any, dict[str, str]]:
    """A Cognito client for the runner's owner pool, as the page reaches it, and the page's config."""
    config = page_config(site_url)
    return boto3.client("cognito-idp", endpoint_url=config["cognitoEndpoint"], region_name=config["region"]), config


def sign_in(site_url: str, email: str, password: str, new_password: str = NEW_PASSWORD) -> str:
    """An access token for the owner; on first sign-in the temporary password is replaced by `new_password`."""
    cognito, config = cognito_client(site_url)
    answer = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=config["clientId"],
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        answer = cognito.respond_to_auth_challenge(
            ClientId=config["clientId"],
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=answer["Session"],
            ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
        )
    return str(answer["AuthenticationResult"]["AccessToken"])


def api_json(site_url: str, token: str, path: str) -> Any:
    """The owner API's JSON answer to GET `path`, as the dashboard asks for it."""
    request = urllib.request.Request(f"{site_url}{path}", headers={"authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (loopback)
        return json.load(response)


def all_submissions(site_url: str, token: str) -> list[dict[str, str]]:
    """Every stored submission, read through the owner API (each status, every page)."""
    items: list[dict[str, str]] = []
    for status in STATUSES:
        cursor = ""
        while True:
            query = f"status={status}&limit=100" + (f"&cursor={cursor}" if cursor else "")
            page = api_json(site_url, token, f"/api/submissions?{query}")
            items += page["items"]
            cursor = page["cursor"]
            if not cursor:
                break
    return items
