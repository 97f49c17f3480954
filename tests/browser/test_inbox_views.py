"""The owner's inbox as a phone and a laptop show it: no sideways scroll in any view, each enquiry readable at a
glance, a chart that reads without hovering, and search. Screenshots of each view at 390 and 1280 px."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from local import owner_session
from local.background import Runner
from tests.support.browser import SCREENSHOTS, Watch, accessibility_problems, expect_clean
from tests.support.owner_tokens import stored
from tests.support.site_actions import post_contact, sign_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def stocked(site: Runner) -> Runner:
    """The module's site with an owner past the first sign-in and a few enquiries, one of them spam."""
    owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
    post_contact(
        site, first_name="Zoë", last_name="Ōsaka", company="Dots Ltd", message="A quote for three sites, please"
    )
    post_contact(
        site,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@engines.example",
        message="Analytical engine\nsecond line",
    )
    post_contact(site, first_name="Grace", company="Navy", message="Compilers: " + "long words " * 40)
    post_contact(site, first_name="Bot", message="buy now", website="http://spam.example")
    return site


@pytest.fixture(params=[PHONE, LAPTOP], ids=["390", "1280"])
def sized(request: pytest.FixtureRequest, browser: Browser, watch: Watch) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(viewport=request.param)
    context.set_default_timeout(10_000)
    watch.attach(context)
    yield context.new_page()
    context.close()


def no_sideways_scroll(page: Page) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"the page is {width} px wide in a {viewport} px viewport"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png", full_page=True)


def test_every_view_fits_and_reads_at_a_glance(sized: Page, stocked: Runner, watch: Watch, axe: str) -> None:
    page = sized
    phone = page.viewport_size["width"] == PHONE["width"]
    page.goto(stocked.url + "/dashboard.html")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_label("Email", exact=True).fill(stocked.owner_email)
    page.get_by_label("Password", exact=True).fill(owner_session.NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    rows = page.locator("#submissions tbody tr")
    expect(rows).to_have_count(3)  # spam is not in the inbox
    no_sideways_scroll(page)
    grace = rows.filter(has_text="Compilers")
    width = page.viewport_size["width"]
    for cell in ("cell-received", "cell-name", "cell-status", "cell-message"):
        expect(grace.locator(f".{cell}")).to_be_visible()
        box = grace.locator(f".{cell}").bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= width, f"{cell} is outside the screen: {box}"
    expect(grace.locator(".cell-email")).to_be_hidden() if phone else expect(
        grace.locator(".cell-email")
    ).to_be_visible()
    assert accessibility_problems(page, axe) == []
    shot(page, "inbox")

    grace.click()
    expect(page.locator("#detail")).to_contain_text("Compilers")
    no_sideways_scroll(page)
    expect(page.get_by_role("button", name="Mark handled")).to_be_in_viewport()  # within reach, not below the fold
    assert accessibility_problems(page, axe) == []
    shot(page, "detail")
    page.get_by_role("button", name="Close").click()

    page.get_by_label("Search").fill("zoe")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Results for “zoe”")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zoë Ōsaka")
    no_sideways_scroll(page)
    assert accessibility_problems(page, axe) == []
    shot(page, "search-results")
    page.get_by_role("button", name="Clear search").click()
    expect(rows).to_have_count(3)

    # The spam view says why each post is there, so the owner can judge what a person may have sent.
    page.get_by_label("Show").select_option("spam")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".cell-status")).to_contain_text("hidden field")
    expect(page.locator("#spam-summary")).to_have_text("Held back, of 1 in spam: 1 by the hidden field.")
    no_sideways_scroll(page)
    rows.first.click()
    expect(page.locator("#detail")).to_contain_text("Why it is spam")
    expect(page.locator("#detail")).to_contain_text("A field people never see, which bots fill in, was filled in.")
    assert accessibility_problems(page, axe) == []
    shot(page, "spam-reason")
    page.get_by_role("button", name="Close").click()
    page.get_by_label("Show").select_option("")
    expect(page.locator("#spam-summary")).to_be_hidden()
    expect_clean(watch)


def test_the_chart_shows_dates_counts_and_a_table(sized: Page, stocked: Runner, watch: Watch, axe: str) -> None:
    page = sized
    days = 14 if page.viewport_size["width"] == PHONE["width"] else 30
    sign_in(page, stocked, owner_session.NEW_PASSWORD)
    expect(page.locator("#chart-title")).to_have_text(f"Enquiries per day, last {days} days")
    columns = page.locator("#chart-bars .bar-column")
    expect(columns).to_have_count(days)
    today = columns.last
    expect(today.locator(".bar-count")).to_have_text("3")  # the count is on the page, not in a tooltip
    expect(today.locator(".bar-date")).not_to_have_text("")  # today's date is on the axis
    # Every date label stays within the chart, the last one too (issue 22: at 390 px it ran past the edge).
    chart = page.locator("#chart-bars").bounding_box()
    for label in page.locator("#chart-bars .bar-date").all():
        box = label.bounding_box()
        if box and box["width"]:
            assert chart["x"] <= box["x"] and box["x"] + box["width"] <= chart["x"] + chart["width"] + 0.5, box
    assert today.get_attribute("data-date") == date.today().isoformat()
    expect(page.locator("#chart-summary")).to_contain_text("3 in all")
    page.get_by_text("The counts as a table").click()
    expect(page.locator("#chart-table tbody tr")).to_have_count(days)
    expect(page.locator("#chart-table tbody tr").last).to_contain_text("3")
    no_sideways_scroll(page)
    assert accessibility_problems(page, axe) == []
    shot(page, "chart")
    expect_clean(watch)


def test_search_keeps_the_status_filter_and_says_when_nothing_matches(
    page: Page, stocked: Runner, watch: Watch
) -> None:
    sign_in(page, stocked, owner_session.NEW_PASSWORD)
    page.get_by_label("Search").fill("buy")
    page.get_by_role("button", name="Search", exact=True).click()
    # The spam is not in the inbox; the inbox's search goes by the search index.
    expect(page.locator("#empty")).to_have_text("No enquiries match “buy”. Search finds whole words.")
    page.get_by_label("Show").select_option("spam")
    expect(page.locator("#submissions tbody tr")).to_have_count(1)
    expect(page.locator("#submissions tbody tr").first).to_contain_text("Bot")
    expect_clean(watch)


def test_a_new_sites_chart_says_it_is_empty(page: Page, watch: Watch) -> None:
    from local.background import local_runner

    with local_runner() as site:
        owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
        sign_in(page, site, owner_session.NEW_PASSWORD)
        expect(page.locator("#chart-summary")).to_have_text(re.compile(r"No enquiries in the last \d+ days yet\."))
        expect(page.locator("#chart-bars")).to_be_hidden()
        expect(page.locator("#empty")).to_have_text("No enquiries here yet.")
    expect_clean(watch)


def test_the_chart_asks_for_the_owners_own_days_across_a_clock_change(browser: Browser, stocked: Runner) -> None:
    """In Berlin on 2026-11-05, the last 30 days hold the end of summer time (2026-10-25, 25 hours long): the page
    sends each local midnight, so the server counts that day as it was lived."""
    context = browser.new_context(timezone_id="Europe/Berlin", viewport=LAPTOP)
    page = context.new_page()
    page.clock.set_fixed_time(datetime.fromisoformat("2026-11-05T12:00:00+01:00"))
    asked: list[str] = []
    page.on("request", lambda request: "/api/submissions/daily" in request.url and asked.append(request.url))
    sign_in(page, stocked, owner_session.NEW_PASSWORD)
    expect(page.locator("#chart-title")).to_have_text("Enquiries per day, last 30 days")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(asked[-1]).query)
    starts = [int(s) for s in query["starts"][0].split(",")]
    assert query["from"] == ["2026-10-07"] and len(starts) == 31
    berlin = ZoneInfo("Europe/Berlin")
    assert [datetime.fromtimestamp(s, berlin).strftime("%m-%d %H:%M") for s in (starts[0], starts[-1])] == [
        "10-07 00:00",
        "11-06 00:00",
    ]
    lengths = [(b - a) // 3600 for a, b in pairwise(starts)]
    assert lengths.count(25) == 1 and lengths.count(24) == 29 and lengths[18] == 25  # 2026-10-25
    context.close()


def test_emptying_spam_is_one_click_after_a_confirmation(page: Page, stocked: Runner, watch: Watch, axe: str) -> None:
    """Last in this module: it empties the module's spam. What becomes spam afterwards is listed again."""
    sign_in(page, stocked, owner_session.NEW_PASSWORD)
    rows = page.locator("#submissions tbody tr")
    page.get_by_label("Show").select_option("spam")
    expect(rows).to_have_count(1)
    empty = page.get_by_role("button", name="Empty spam")
    assert accessibility_problems(page, axe) == []
    page.once("dialog", lambda dialog: dialog.dismiss())
    empty.click()
    expect(rows).to_have_count(1)  # dismissed: nothing changed
    page.once("dialog", lambda dialog: dialog.accept())
    empty.click()
    expect(page.locator("#empty")).to_have_text("No enquiries here yet.")
    expect(empty).to_be_hidden()
    page.get_by_label("Show").select_option("")
    expect(rows).to_have_count(3)  # the inbox is untouched
    expect(empty).to_be_hidden()
    rows.filter(has_text="Zoë").click()
    page.get_by_role("button", name="Mark spam").click()
    page.get_by_label("Show").select_option("spam")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zoë Ōsaka")
    expect_clean(watch)


def test_an_accented_domain_reads_as_written_and_replies_go_to_its_ascii_form(
    page: Page, stocked: Runner, watch: Watch
) -> None:
    post_contact(stocked, first_name="Jürgen", email="juergen@xn--bcher-kva.example")
    sign_in(page, stocked, owner_session.NEW_PASSWORD)
    row = page.locator("#submissions tbody tr").filter(has_text="Jürgen")
    expect(row.locator(".cell-email")).to_have_text("juergen@bücher.example")
    row.click()
    link = page.locator("#detail").get_by_role("link", name="juergen@bücher.example")
    expect(link).to_have_attribute("href", "mailto:juergen@xn--bcher-kva.example")
    expect(page.locator("#detail")).to_contain_text("(juergen@xn--bcher-kva.example as sent)")
    expect_clean(watch)


def test_one_persons_enquiries_download_and_erase_after_a_confirmation_naming_the_count(
    page: Page, stocked: Runner, watch: Watch, axe: str
) -> None:
    for message in ("first", "second"):
        post_contact(stocked, first_name="Hedy", last_name="Lamarr", email="hedy@Lamarr.example", message=message)
    post_contact(stocked, first_name="Hedy", last_name="Lamarr", email="hedy@lamarr.example", website="x")  # spam
    sign_in(page, stocked, owner_session.NEW_PASSWORD)
    page.locator("#submissions tbody tr").filter(has_text="Hedy").first.click()
    assert accessibility_problems(page, axe) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all from this address").click()
    assert download.value.suggested_filename == "enquiries-hedy@Lamarr.example.json"
    saved = json.loads(Path(download.value.path()).read_text())
    assert sorted(e["message"] for e in saved["enquiries"] if "message" in e) == ["first", "second"]
    assert len(saved["enquiries"]) == 3 and {e["status"] for e in saved["enquiries"]} == {"new", "spam"}
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Erase all from this address").click()
    expect(page.get_by_role("status").filter(has_text="Erased")).to_have_text(
        "Erased 3 enquiries from hedy@Lamarr.example."
    )
    assert asked == ["Erase all 3 enquiries from hedy@Lamarr.example, in every status? This cannot be undone."]
    expect(page.locator("#submissions tbody tr").filter(has_text="Hedy")).to_have_count(0)
    assert not [i for i in stored(stocked) if i["first_name"] == "Hedy"]
    expect_clean(watch)
