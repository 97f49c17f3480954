"""The owners' user pool as data, read by the OwnerAuth component and by the local runner's Cognito."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Owners hold every enquiry's personal data: long passwords, all character classes.
PASSWORD_POLICY: dict[str, Any] = {
    "minimum_length": 12,
    "require_lowercase": True,
    "require_uppercase": True,
    "require_numbers": True,
    "require_symbols": True,
    "temporary_password_validity_days": 3,
}
USERNAME_ATTRIBUTES = ["email"]
# The dashboard signs in with a password and renews with the refresh token; nothing else.
AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
ACCESS_TOKEN_MINUTES = 60
REFRESH_TOKEN_DAYS = 30
TOKEN_VALIDITY_UNITS = {"access_token": "minutes", "id_token": "minutes", "refresh_token": "days"}


def camel_case(snake: Mapping[str, object]) -> dict[str, object]:
    """PASSWORD_POLICY in the Cognito API's spelling (minimum_length -> MinimumLength)."""
    return {"".join(part.title() for part in key.split("_")): value for key, value in snake.items()}


def cognito_endpoint(region: str) -> str:
    """Where the dashboard page sends InitiateAuth (the CSP must allow it)."""
    return f"https://cognito-idp.{region}.amazonaws.com/"
