"""A form written for Formspree, on another site, pointed at this site's /api/contact: nothing else changed.

The shop's pages are served from another origin (http://localhost:<port>, while the site is http://127.0.0.1:<port>),
and the runner lists that origin in its allowedOrigins, as a stack would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from local import owner_session
from local.background import Runner, local_runner
from local.emulator import free_port
from tests.support.browser import accessibility_problems, expect_clean
from tests.support.owner_tokens import stored
from tests.support.site_actions import sign_in

# Formspree's plain HTML form, as its documentation shows it, with its control fields.
HEAD = '<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop contact</title>'
PLAIN = (
    HEAD
    + """
<form action="{action}" method="POST">
  <label>Your name: <input type="text" name="name"></label>
  <label>Your email: <input type="email" name="email"></label>
  <label>Your message: <textarea name="message"></textarea></label>
  <label>Budget: <input type="text" name="budget"></label>
  <input type="hidden" name="_subject" value="New message from the shop">
  <input type="text" name="_gotcha" style="display:none">
  <button type="submit">Send</button>
</form></html>"""
)

# Formspree's "submit with AJAX" pattern: FormData, Accept: application/json, and its errors list.
AJAX = (
    HEAD
    + """
<form id="my-form" action="{action}" method="POST">
  <label>Email: <input type="email" name="email"></label>
  <label>Name: <input type="text" name="name"></label>
  <label>Message: <input type="text" name="message"></label>
  <button id="my-form-button">Submit</button>
  <p id="my-form-status"></p>
</form>
<script>
  var form = document.getElementById("my-form");
  async function handleSubmit(event) {{
    event.preventDefault();
    var status = document.getElementById("my-form-status");
    var data = new FormData(event.target);
    fetch(event.target.action, {{
      method: form.method,
      body: {body},
      headers: {headers}
    }}).then(response => {{
      if (response.ok) {{
        status.innerHTML = "Thanks for your submission!";
        form.reset();
      }} else {{
        response.json().then(data => {{
          if (Object.hasOwn(data, 'errors')) {{
            status.innerHTML = data["errors"].map(error => error["message"]).join(", ");
          }} else {{
            status.innerHTML = "Oops! There was a problem submitting your form";
          }}
        }});
      }}
    }}).catch(error => {{
      status.innerHTML = "Oops! There was a problem submitting your form";
    }});
  }}
  form.addEventListener("submit", handleSubmit);
</script></html>"""
)

PAGES = {
    "/plain.html": (PLAIN, {}),
    "/ajax.html": (AJAX, {"body": "data", "headers": "{'Accept': 'application/json'}"}),
    # The same with a JSON body: not a "simple" request, so the browser asks first (a CORS preflight).
    "/ajax-json.html": (
        AJAX,
        {
            "body": "JSON.stringify(Object.fromEntries(data))",
            "headers": "{'Accept': 'application/json', 'Content-Type': 'application/json'}",
        },
    ),
}


class Shop:
    """Another site: serves the shop's pages with the site's form action filled in."""

    def __init__(self) -> None:
        self.port = free_port()
        self.action = ""
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path not in PAGES:
                    self.send_error(404)
                    return
                template, parts = PAGES[self.path]
                body = template.format(action=shop.action, **parts).encode()
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str, host: str = "localhost") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="module")
def shop() -> Iterator[Shop]:
    started = Shop()
    yield started
    started.server.shutdown()


@pytest.fixture(scope="module")
def site(shop: Shop) -> Iterator[Runner]:
    """The runner as a stack with `allowedOrigins: [http://localhost:<port>]` and `extraFields: keep`."""
    with local_runner({"ALLOWED_ORIGINS": f"http://localhost:{shop.port}", "EXTRA_FIELDS": "keep"}) as started:
        shop.action = f"{started.url}/api/contact"
        yield started


def send_plain_form(page: Page, shop: Shop, site: Runner, message: str) -> dict:
    page.goto(shop.url("/plain.html"))
    page.get_by_label("Your name:").fill("Grace Hopper")
    page.get_by_label("Your email:").fill("grace@example.com")
    page.get_by_label("Your message:").fill(message)
    page.get_by_label("Budget:").fill("About 10k")
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(f"{site.url}/thanks.html")
    (item,) = [i for i in stored(site) if i.get("message") == message]
    return item


def test_the_plain_formspree_form_lands_on_the_thank_you_page(page: Page, shop: Shop, site: Runner, watch) -> None:
    item = send_plain_form(page, shop, site, "Plain form")
    assert (item["first_name"], item["email"], item["subject"]) == (
        "Grace Hopper",
        "grace@example.com",
        "New message from the shop",
    )
    assert json.loads(item["extra_fields"]) == {"budget": "About 10k"}
    expect_clean(watch)


def test_the_owner_sees_the_subject_and_the_kept_field(page: Page, shop: Shop, site: Runner, watch, axe: str) -> None:
    send_plain_form(page, shop, site, "For the owner")
    owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
    sign_in(page, site, owner_session.NEW_PASSWORD)
    page.get_by_role("cell", name="For the owner").first.click()
    details = page.locator("#detail-fields")
    expect(details).to_contain_text("SubjectNew message from the shop")
    expect(details).to_contain_text("budgetAbout 10k")
    assert accessibility_problems(page, axe) == []
    expect_clean(watch)


@pytest.mark.parametrize("path", ["/ajax.html", "/ajax-json.html"])
def test_the_formspree_ajax_pattern_reads_our_answers(page: Page, shop: Shop, site: Runner, watch, path: str) -> None:
    page.goto(shop.url(path))
    status = page.locator("#my-form-status")
    # The browser's own check passes (type=email takes a dotless domain); the server's refuses it.
    page.get_by_label("Email:").fill("ada@localhost")
    page.get_by_role("button", name="Submit").click()
    expect(status).to_have_text("Name is required, Email must be an address like name@example.com")
    page.get_by_label("Email:").fill("ada@example.com")
    page.get_by_label("Name:").fill("Ada Lovelace")
    page.get_by_label("Message:").fill(f"Sent by {path}")
    page.get_by_role("button", name="Submit").click()
    expect(status).to_have_text("Thanks for your submission!")
    assert [i["first_name"] for i in stored(site) if i.get("message") == f"Sent by {path}"] == ["Ada Lovelace"]
    assert page.url == shop.url(path), "the script stayed on the shop's page: no redirect"
    expect_clean(watch, allowed_errors=("400 (Bad Request)",))


def test_an_origin_not_listed_cannot_read_the_answer(page: Page, shop: Shop, site: Runner) -> None:
    """The same page from http://127.0.0.1:<port>, another origin: the browser withholds the answer."""
    before = len(stored(site))
    page.goto(shop.url("/ajax-json.html", host="127.0.0.1"))
    page.get_by_label("Email:").fill("ada@example.com")
    page.get_by_label("Name:").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#my-form-status")).to_have_text("Oops! There was a problem submitting your form")
    assert len(stored(site)) == before, "the preflight was refused, so the post was never sent"
