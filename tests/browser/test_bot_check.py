"""The contact page with the bot check on (CTD_BOT_CHECK), in Chromium against Turnstile's local stand-in on its own
origin: the widget loads only through the CSP's opening, a passing visitor is thanked and emailed, a failing one
is thanked the same and kept as spam, and a visitor without JavaScript reads why and is kept as spam too."""

from __future__ import annotations

import re
import signal
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from declarations.web_assets import NO_SCRIPT_NOTICE
from local.background import Runner, start_runner
from tests.local.test_notifications import Output
from tests.support.browser import Watch, accessibility_problems, expect_clean
from tests.support.owner_tokens import stored

FORM = {"First name": "Ada", "Last name": "Lovelace", "Email": "ada@example.com"}
CHECK_SECONDS = 30


def runner_with_check(mode: str) -> Iterator[tuple[Runner, Output]]:
    process, runner = start_runner({"CTD_BOT_CHECK": mode})
    try:
        yield runner, Output(process)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def passing() -> Iterator[tuple[Runner, Output]]:
    """Turnstile's test keys that always pass."""
    yield from runner_with_check("pass")


@pytest.fixture(scope="module")
def failing() -> Iterator[tuple[Runner, Output]]:
    """The site key that passes in the page, and the secret key whose siteverify always says no."""
    yield from runner_with_check("fail")


def send(page: Page, site: Runner, first_name: str) -> None:
    page.goto(site.url + "/contact.html")
    for label, value in {**FORM, "First name": first_name}.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Send message").click()


def checked(site: Runner, first_name: str) -> dict[str, str]:
    """The enquiry from `first_name` once the stream's consumer has checked it (it is spam, or was emailed)."""
    deadline = time.monotonic() + CHECK_SECONDS
    while time.monotonic() < deadline:
        found = [i for i in stored(site) if i["first_name"] == first_name]
        if found and found[0]["status"] == "spam":
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"{first_name}'s enquiry was not made spam within {CHECK_SECONDS} s")


def test_a_person_who_passes_is_thanked_and_emailed(
    page: Page, passing: tuple[Runner, Output], watch: Watch, axe: str
) -> None:
    site, output = passing
    response = page.goto(site.url + "/contact.html")
    assert response is not None
    csp = dict(part.split(" ", 1) for part in response.headers["content-security-policy"].split("; "))
    widget_origin = page.locator("script[src*='turnstile']").get_attribute("src").split("/turnstile/")[0]
    assert csp["script-src"] == f"'self' {widget_origin}" and csp["frame-src"] == widget_origin
    expect(page.locator(".cf-turnstile")).to_contain_text("Verified")  # its script came through the CSP
    assert accessibility_problems(page, axe) == []
    send(page, site, "Grace")
    expect(page.get_by_role("status")).to_contain_text("Thank you, your message reached us.")
    output.wait_for("New enquiry from Grace Lovelace", seconds=CHECK_SECONDS)
    (grace,) = [i for i in stored(site) if i["first_name"] == "Grace"]
    assert grace["status"] == "new" and "spam_reason" not in grace
    # A second message from the same page gets a fresh token (Turnstile's reset), and passes too.
    page.get_by_label("First name").fill("Grace2")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Send message").click()
    output.wait_for("New enquiry from Grace2 Lovelace", seconds=CHECK_SECONDS)
    expect_clean(watch)


def test_without_javascript_the_page_says_so_and_the_enquiry_is_kept_as_spam(
    browser: Browser, passing: tuple[Runner, Output], axe: str
) -> None:
    site, output = passing
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/contact.html")
    # Chromium with script execution disabled by DevTools still parses <noscript> as text, so the notice is read
    # from the markup here, and shown below as a browser without scripting draws it.
    notice = page.locator("form noscript")
    assert NO_SCRIPT_NOTICE in (notice.text_content() or "")
    send(page, site, "Nojs")
    expect(page).to_have_url(site.url + "/thanks.html")  # answered as any post is
    context.close()
    assert checked(site, "Nojs")["spam_reason"] == "bot-check-missing"
    time.sleep(1)
    assert not [line for line in output.drain() if "New enquiry from Nojs" in line]
    # The page as a browser without scripting draws it: the notice in the form, no widget. axe needs script, so
    # that page is served to a context that runs it, without the widget's script.
    with urllib.request.urlopen(site.url + "/contact.html") as response:  # loopback
        html = response.read().decode()
    html = re.sub(r"<script src=[^>]*turnstile[^>]*></script>", "", html)
    html = html.replace("<noscript>", "").replace("</noscript>", "")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route(site.url + "/contact.html", lambda route: route.fulfill(content_type="text/html", body=html))
    page.goto(site.url + "/contact.html")
    expect(page.get_by_text(NO_SCRIPT_NOTICE)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert accessibility_problems(page, axe) == []
    context.close()


def test_a_token_siteverify_refuses_is_thanked_the_same_and_kept_as_spam(
    page: Page, failing: tuple[Runner, Output], watch: Watch
) -> None:
    site, output = failing
    send(page, site, "Robot")
    expect(page.get_by_role("status")).to_contain_text("Thank you, your message reached us.")
    assert checked(site, "Robot")["spam_reason"] == "bot-check-failed"
    time.sleep(1)
    assert not [line for line in output.drain() if "New enquiry from Robot" in line]
    expect_clean(watch)


def test_without_the_check_the_page_and_its_csp_have_no_widget(page: Page, site: Runner) -> None:
    response = page.goto(site.url + "/contact.html")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "frame-src" not in csp and "script-src 'self';" in csp
    assert page.locator(".cf-turnstile").count() == 0 and "turnstile" not in page.content()
