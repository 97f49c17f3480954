"""The owner's whole first session in Chromium: sign in, new password, read, handle, export, delete, sign out."""

from __future__ import annotations

import base64
import csv
import hmac
import io
import json
import os
import re
import shutil
import struct
import subprocess
import time

import pytest
from playwright.sync_api import Page, expect

from local import owner_session
from local.background import Runner, local_runner
from tests.support.browser import SCREENSHOTS, Watch, accessibility_problems, expect_clean
from tests.support.site_actions import post_contact, sign_in


def renews(site: Runner, refresh_token: str) -> bool:
    """Whether Cognito still turns this refresh token into a new access token."""
    cognito, config = owner_session.cognito_client(site.url)
    try:
        cognito.initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH", ClientId=config["clientId"], AuthParameters={"REFRESH_TOKEN": refresh_token}
        )
    except cognito.exceptions.NotAuthorizedException:
        return False
    return True


def sign_in_first_time(page: Page, site: Runner) -> None:
    page.goto(site.url + "/dashboard.html")
    page.get_by_label("Email", exact=True).fill(site.owner_email)
    page.get_by_label("Password", exact=True).fill(site.temporary_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(owner_session.NEW_PASSWORD)
    page.get_by_label("New password again").fill(owner_session.NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()


@pytest.fixture(scope="module")
def owner_password(site: Runner) -> str:
    """The module's owner past the first sign-in (which the next test makes in the browser, on its own runner)."""
    owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
    return owner_session.NEW_PASSWORD


def test_owner_reads_handles_exports_deletes_and_signs_out(page: Page, watch: Watch, axe: str) -> None:
    with local_runner() as site:
        owner_first_session(page, site, watch, axe)


def owner_first_session(page: Page, site: Runner, watch: Watch, axe: str) -> None:
    page.goto(site.url + "/contact.html")  # the first enquiry comes through the contact page itself
    for label, value in (("First name", "Grace"), ("Last name", "Hopper"), ("Email", "grace@example.com"),
                         ("Company", "Navy"), ("Message", "Compilers?\nSecond line")):  # fmt: skip
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    post_contact(site, first_name="Alan", last_name="Turing", email="alan@example.com", message="Machines")
    sign_in_first_time(page, site)
    expect(page.locator("#account")).to_have_text(re.compile(rf"Signed in as {re.escape(site.owner_email)}\s+Sign out"))
    expect(page.locator("footer").get_by_role("link", name="Owner sign-in")).to_be_hidden()  # issue 22
    rows = page.locator("#submissions tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#chart-bars [data-count='2']")).to_have_count(1)
    page.reload()  # the name survives a reload of the tab, as the session does
    expect(page.locator("#account-name")).to_have_text(site.owner_email)
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Alan Turing")  # newest first
    expect(rows.nth(1)).to_contain_text("Compilers?")
    expect(rows.nth(1)).not_to_contain_text("Second line")  # the table shows the first line only
    expect(page.locator("#chart-bars [data-count='2']")).to_have_count(1)

    rows.nth(1).click()
    expect(page.locator("#detail")).to_contain_text("Second line")
    expect(page.get_by_role("button", name="Mark new")).to_be_hidden()  # it is new already
    assert accessibility_problems(page, axe) == []  # the signed-in view: table, chart, detail
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard-signed-in-1280.png", full_page=True)
    page.get_by_role("button", name="Mark handled").click()
    expect(page.locator("#dash-status")).to_have_text("Marked handled.")
    expect(rows.nth(1).locator(".badge")).to_have_text("handled")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    download = download_info.value
    assert re.fullmatch(r"enquiries-inbox-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    exported = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert [(r["first_name"], r["status"]) for r in exported] == [("Alan", "new"), ("Grace", "handled")]

    page.on("dialog", lambda dialog: dialog.accept())
    rows.first.click()
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("#dash-status")).to_have_text("Deleted.")
    expect(rows).to_have_count(1)

    refresh_token = page.evaluate("JSON.parse(sessionStorage.getItem('ctd.tokens')).refresh")
    assert renews(site, refresh_token)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#dash-status")).to_have_text("You are signed out.")
    assert not renews(site, refresh_token)  # signed out at Cognito too, not only in this tab
    expect(page.locator("#account")).to_be_hidden()
    expect(page.locator("footer").get_by_role("link", name="Owner sign-in")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#inbox")).to_be_hidden()
    expect_clean(watch, downloaded=(download.url,))


def test_hostile_text_shows_literally_and_runs_nothing(
    page: Page, site: Runner, watch: Watch, owner_password: str
) -> None:
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    post_contact(site, first_name="<b>bold</b>", company=hostile, message=hostile)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, site, owner_password)
    row = page.locator("#submissions tbody tr", has_text="<b>bold</b>")
    expect(row).to_contain_text(hostile)
    row.click()
    expect(page.locator("#detail-fields")).to_contain_text(hostile)
    assert page.evaluate("window.pwned") is None and dialogs == []
    assert page.locator("#submissions img, #detail img, #submissions b").count() == 0
    expect_clean(watch)


def test_paging_filters_and_token_refresh(page: Page, site: Runner, watch: Watch, owner_password: str) -> None:
    for n in range(27):
        post_contact(site, first_name=f"Pager{n:02d}", message="paging")
    post_contact(site, first_name="Spammy", website="http://spam.example")
    sign_in(page, site, owner_password)
    rows = page.locator("#submissions tbody tr")
    expect(rows).to_have_count(25)
    expect(page.get_by_role("button", name="Newer")).to_be_disabled()
    first_page = rows.all_inner_texts()
    assert "Pager26" in first_page[0] and "Pager02" in first_page[-1]
    page.get_by_role("button", name="Older").click()
    expect(rows.first).to_contain_text("Pager01")
    older = rows.all_inner_texts()
    assert not set(older) & set(first_page), "no item on two pages"
    page.get_by_role("button", name="Newer").click()
    expect(rows).to_have_count(25)
    assert rows.all_inner_texts() == first_page

    page.get_by_label("Show").select_option("spam")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Spammy")
    expect(rows.first.locator(".badge")).to_have_text("spam")
    expect(page.locator("#spam-summary")).to_have_text("Held back, of 1 in spam: 1 by the hidden field.")

    # An access token about to expire is renewed with the refresh token, without signing in again.
    old = page.evaluate("JSON.parse(sessionStorage.getItem('ctd.tokens'))")
    page.evaluate(
        "() => { const t = JSON.parse(sessionStorage.getItem('ctd.tokens')); t.expiresAt = Date.now();"
        " sessionStorage.setItem('ctd.tokens', JSON.stringify(t)); }"
    )
    page.reload()
    expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()
    expect(rows).to_have_count(25)
    renewed = page.evaluate("JSON.parse(sessionStorage.getItem('ctd.tokens'))")
    assert renewed["access"] != old["access"] and renewed["expiresAt"] > old["expiresAt"]
    expect_clean(watch)


def totp(secret: str) -> str:
    """RFC 6238: the code an authenticator app shows for `secret` (SHA-1, 30 s, 6 digits).

    moto accepts only the current 30 s step, so a code that would expire within 3 s is not used: wait for the next.
    """
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30)
    counter = int(time.time() // 30)
    digest = hmac.new(base64.b32decode(secret.upper() + "=" * (-len(secret) % 8)), struct.pack(">Q", counter), "sha1")
    offset = digest.digest()[-1] & 0x0F
    value = struct.unpack(">I", digest.digest()[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def read_qr_code(png: bytes) -> str:
    """What a QR scanner reads from an image: zbar's zbarimg, installed by `make browser-deps`."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        message = "zbarimg is not installed: run `make browser-deps` (apt-get install zbar-tools)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    done = subprocess.run([zbarimg, "--quiet", "--raw", "-"], input=png, capture_output=True, check=True)
    return done.stdout.decode().strip()


def test_two_step_sign_in_is_set_up_then_required(page: Page, watch: Watch, axe: str) -> None:
    """With MFA on, the first sign-in enrols an authenticator app; later sign-ins ask for its code."""
    with local_runner({"CTD_OWNER_MFA": "ON"}) as site:
        page.goto(site.url + "/dashboard.html")
        page.get_by_label("Email", exact=True).fill(site.owner_email)
        page.get_by_label("Password", exact=True).fill(site.temporary_password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("New password", exact=True).fill(owner_session.NEW_PASSWORD)
        page.get_by_label("New password again").fill(owner_session.NEW_PASSWORD)
        page.get_by_role("button", name="Set password and sign in").click()
        expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
        assert accessibility_problems(page, axe) == []
        secret = page.locator("#mfa-secret").inner_text()
        uri = page.locator("#mfa-uri").inner_text()
        assert f"secret={secret}" in uri
        # The QR code, read by a real scanner (zbar) from the page as drawn: it holds exactly the link.
        qr = page.get_by_role("img", name="QR code of the key, for an authenticator app")
        assert read_qr_code(qr.screenshot()) == uri
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "dashboard-qr-step-1280.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert read_qr_code(qr.screenshot()) == uri, "still readable at a phone's width"
        page.screenshot(path=SCREENSHOTS / "dashboard-qr-step-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.get_by_label("Code from the app").fill("000000" if totp(secret) != "000000" else "111111")
        page.get_by_role("button", name="Verify and sign in").click()
        expect(page.locator("#dash-status")).to_contain_text("That code is not right")
        page.get_by_label("Code from the app").fill(totp(secret))
        page.get_by_role("button", name="Verify and sign in").click()
        expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()

        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("Email", exact=True).fill(site.owner_email)
        page.get_by_label("Password", exact=True).fill(owner_session.NEW_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
        page.get_by_label("Code from your authenticator app").fill(totp(secret))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()
    expect_clean(watch, allowed_errors=("status of 400",))


def test_first_sign_in_shows_the_rules_and_explains_each_refusal(page: Page, watch: Watch, axe: str) -> None:
    with local_runner() as site:
        page.goto(site.url + "/dashboard.html")
        page.get_by_label("Email", exact=True).fill(site.owner_email)
        page.get_by_label("Password", exact=True).fill(site.temporary_password)
        page.get_by_role("button", name="Sign in").click()
        rules = page.locator("#password-rules li")
        expect(rules).to_have_count(5)  # listed before anything is typed
        expect(page.get_by_label("Account")).to_have_value(site.owner_email)
        assert page.get_by_label("Account").get_attribute("autocomplete") == "username"
        assert accessibility_problems(page, axe) == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "dashboard-new-password-1280.png", full_page=True)

        status = page.locator("#dash-status")
        page.get_by_label("New password", exact=True).fill("password")
        expect(page.locator("#password-rules li.met")).to_have_count(1)  # the lower-case letter
        page.get_by_role("button", name="Set password and sign in").click()
        expect(status).to_have_text(
            "The new password still needs at least 12 characters, an upper-case letter, a number,"
            " a symbol, such as ! ? # - or _."
        )
        expect(page.get_by_label("New password", exact=True)).to_be_focused()
        page.get_by_label("New password", exact=True).fill(owner_session.NEW_PASSWORD)
        expect(page.locator("#password-rules li.met")).to_have_count(5)
        page.get_by_label("New password again").fill(owner_session.NEW_PASSWORD + "x")
        page.get_by_role("button", name="Set password and sign in").click()
        expect(status).to_have_text("The two passwords differ: type the same password twice.")

        # Cognito itself refusing (a policy the page does not know yet): its answer, in the site's words.
        refused: list[str] = []

        def refuse_once(route) -> None:  # type: ignore[no-untyped-def]
            if not refused and "RespondToAuthChallenge" in (route.request.headers.get("x-amz-target") or ""):
                refused.append(route.request.url)
                body = {"__type": "InvalidPasswordException", "message": "Password does not conform to policy"}
                route.fulfill(status=400, content_type="application/x-amz-json-1.1", body=json.dumps(body))
            else:
                route.continue_()

        page.route("**/*", refuse_once)
        page.get_by_label("New password again").fill(owner_session.NEW_PASSWORD)
        page.get_by_role("button", name="Set password and sign in").click()
        expect(status).to_contain_text("That password was refused: it needs every item in the list above")
        page.get_by_label("New password again").fill(owner_session.NEW_PASSWORD)
        page.get_by_role("button", name="Set password and sign in").click()
        expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()
        expect_clean(watch, allowed_errors=("400 (Bad Request)",))
