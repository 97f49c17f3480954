"""A visitor in Chromium: the contact form with and without JavaScript, mistakes, double clicks, outages."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from form_validation import clean_fields
from local.background import Runner
from tests.support.browser import SCREENSHOTS, Watch, accessibility_problems, expect_clean
from tests.support.owner_tokens import stored

FORM = {"First name": "Ada", "Last name": "Lovelace", "Email": "ada@example.com", "Company": "Engines Ltd"}


def set_dynamodb(site: Runner, mode: str) -> None:
    request = urllib.request.Request(
        site.url + "/__local/faults",
        json.dumps({"dynamodb": mode}).encode(),
        method="POST",
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["dynamodb"] == mode


def fill(page: Page, fields: dict[str, str]) -> None:
    for label, value in fields.items():
        page.get_by_label(label).fill(value)


@pytest.fixture(autouse=True)
def healthy_store(site: Runner) -> None:
    set_dynamodb(site, "ok")


def test_visitor_finds_the_form_sends_it_and_is_thanked(page: Page, site: Runner, watch: Watch) -> None:
    page.goto(site.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contact").click()
    expect(page).to_have_url(site.url + "/contact.html")
    fill(page, {**FORM, "Message": "Could you join our shop and our books?"})
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you, your message reached us.")
    expect(page.get_by_label("First name")).to_have_value("")
    assert [i["message"] for i in stored(site) if i["company"] == "Engines Ltd"] == [
        "Could you join our shop and our books?"
    ]
    expect_clean(watch)


@pytest.mark.parametrize(
    "bad_email", ["ada@", "a" * 65 + "@example.com"], ids=["caught by the page", "caught by the server"]
)
def test_mistake_is_shown_at_the_field_which_gets_focus_and_text_is_kept(
    page: Page, site: Runner, watch: Watch, bad_email: str
) -> None:
    before = len(stored(site))
    page.goto(site.url + "/contact.html")
    fill(page, {**FORM, "Email": bad_email, "Message": f"About {bad_email}"})
    page.get_by_role("button", name="Send message").click()
    email = page.get_by_label("Email")
    expect(page.locator("#email-error")).to_have_text("Email must be an address like name@example.com")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Company", exact=True)).to_have_value("Engines Ltd")
    expect(page.get_by_label("Message", exact=True)).to_have_value(f"About {bad_email}")
    assert len(stored(site)) == before
    email.fill("ada@example.com")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page.locator("#email-error")).to_be_hidden()
    assert len(stored(site)) == before + 1
    expect_clean(watch, allowed_errors=("status of 400",))


def test_double_click_stores_one_submission(page: Page, site: Runner, watch: Watch) -> None:
    page.goto(site.url + "/contact.html")
    fill(page, {**FORM, "Message": "double click"})
    page.get_by_role("button", name="Send message").dblclick()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    assert [i["message"] for i in stored(site)].count("double click") == 1
    expect_clean(watch)


def test_a_lost_answer_retried_by_the_visitor_stores_one_submission(page: Page, site: Runner, watch: Watch) -> None:
    """The request reaches the server but the answer never reaches the page; pressing Send again is safe."""
    lost = []

    def lose_first_answer(route: Route) -> None:
        if not lost:
            lost.append(route.fetch().status)  # the server stores it...
            route.abort("connectionreset")  # ...and the page never hears back
        else:
            route.continue_()

    page.route("**/api/contact", lose_first_answer)
    page.goto(site.url + "/contact.html")
    fill(page, {**FORM, "Message": "lost answer"})
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("could not be sent")
    expect(page.get_by_label("Message", exact=True)).to_have_value("lost answer")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    assert lost == [201]
    assert [i["message"] for i in stored(site)].count("lost answer") == 1
    assert watch.failed == [f"POST {site.url}/api/contact: net::ERR_CONNECTION_RESET"], "only the lost answer"
    watch.failed.clear()
    expect_clean(watch, allowed_errors=("ERR_CONNECTION_RESET",))


def test_without_javascript_the_form_posts_to_the_thank_you_page(browser: Browser, site: Runner) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/contact.html")
    fill(page, {**FORM, "Message": "no javascript"})
    page.get_by_role("button", name="Send message").click()
    expect(page).to_have_url(site.url + "/thanks.html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your message reached us.")
    assert [i["message"] for i in stored(site)].count("no javascript") == 1
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_without_javascript_a_refused_post_gets_the_sites_own_page(
    browser: Browser, site: Runner, axe: str, width: int
) -> None:
    """The server's error page has the header, navigation, footer and styles of every other page."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(site.url + "/contact.html")
    fill(page, {**FORM, "Email": "a" * 65 + "@example.com"})  # the page's checks pass; the server's refuse
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your message was not sent")
    expect(page.get_by_role("listitem")).to_have_text("Email must be an address like name@example.com")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("footer").get_by_role("link", name="Owner sign-in")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    html = page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"contact-error-no-js-{width}.png", full_page=True)
    context.close()
    # axe needs script in the page: the same HTML, served at the same address to a context that runs it.
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.route(site.url + "/api/contact", lambda route: route.fulfill(status=400, content_type="text/html", body=html))
    page.goto(site.url + "/api/contact")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert accessibility_problems(page, axe) == []
    context.close()


def test_outage_keeps_the_text_and_a_later_retry_succeeds_once(page: Page, site: Runner, watch: Watch) -> None:
    page.goto(site.url + "/contact.html")
    fill(page, {**FORM, "Message": "during the outage"})
    set_dynamodb(site, "unavailable")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("please press Send again in a moment")
    expect(page.get_by_label("Message", exact=True)).to_have_value("during the outage")
    set_dynamodb(site, "ok")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    assert [i["message"] for i in stored(site)].count("during the outage") == 1
    expect_clean(watch, allowed_errors=("status of 503",))


def test_keyboard_alone_can_send_the_form(page: Page, site: Runner, watch: Watch) -> None:
    page.goto(site.url + "/contact.html")
    page.get_by_label("First name").focus()
    for value in ("Key", "Board", "key@example.com", "", "", "", "typed with keys only"):
        if value:
            page.keyboard.type(value)
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Send message", "Tab order reaches the button after the message (the honeypot is skipped)"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    assert [i["message"] for i in stored(site)].count("typed with keys only") == 1
    expect_clean(watch)


ADDRESSES = [
    "ada@example.com",
    "o'brien+tag@sub.example.co.uk",
    "ada@xn--bcher-kva.example",
    "ada@localhost",
    "a,attacker@evil.example",
    "a>attacker@evil.example",
    "zoë@example.com",
    "ada@bücher.example",
    "ada..lovelace@example.com",
    "-ada@example.com",
]


def test_the_page_checks_addresses_with_the_servers_rule(page: Page, site: Runner) -> None:
    """The browser reads the form's `pattern` (in its v-mode regex dialect): it must accept exactly what the
    server accepts, apart from the local part's length, which only the server counts."""
    page.goto(site.url + "/contact.html")
    for address in ADDRESSES:
        page_accepts = page.eval_on_selector("#email", "(el, v) => { el.value = v; return el.validity.valid }", address)
        server_accepts = "email" not in clean_fields({"first_name": "A", "last_name": "L", "email": address})[1]
        assert page_accepts == server_accepts, address
