"""What the browser tests do to a running site as its visitor or owner, outside the steps they check."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import Page, expect

from local.background import Runner


def post_contact(site: Runner, **fields: str) -> str:
    payload = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", **fields}
    request = urllib.request.Request(
        site.url + "/api/contact", json.dumps(payload).encode(), {"content-type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["submission_id"]


def sign_in(page: Page, site: Runner, password: str) -> None:
    page.goto(site.url + "/dashboard.html")
    page.get_by_label("Email", exact=True).fill(site.owner_email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()
