"""How www/ is served, shared by the StaticSite component and the local runner: types, caching, headers, config.js."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from pathlib import Path
from typing import TypeVar

from handlers.view_limits import DEFAULT_DAYS, DEFAULT_PAGE

WWW_DIR = Path(__file__).resolve().parent.parent / "www"
CONFIG_JS = "config.js"
T = TypeVar("T")  # a plain value (the local runner) or a Pulumi Input (the stack)
ERROR_PAGE = "error.html"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}
# Pages, scripts and config.js change with deploys and their names never do: revalidate each time (a script's
# modules must come from one deploy). Other assets may be cached for an hour, then served stale for a day.
REVALIDATE = "no-cache"
ASSET_CACHE = "public, max-age=3600, stale-while-revalidate=86400"


def content_type(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise ValueError(f"www/{path}: no content type known for {suffix or 'a file without a suffix'}")
    return CONTENT_TYPES[suffix]


def cache_control(path: str) -> str:
    return REVALIDATE if path.endswith((".html", ".js")) else ASSET_CACHE


REFUSED_POST = "Your message was not sent."
REFUSED_POST_TITLE = "Message not sent · Connecting The Dots"
# Lambda allows 4 KB of environment per function; the page shell (below) must leave room for the rest.
MAX_PAGE_SHELL_BYTES = 3072


def page_shell() -> str:
    """www/error.html, the page the contact function fills with a refused post's errors: one layout for the static
    pages and the function's page. Passed in the function's environment, so nothing is copied; its title and
    description already the refused post's, so the function only fills in <main>."""
    text = "\n".join(line.strip() for line in (WWW_DIR / ERROR_PAGE).read_text().splitlines() if line.strip())
    if len(text.encode()) > MAX_PAGE_SHELL_BYTES or text.count("<main") != 1 or text.count("</main>") != 1:
        raise ValueError(f"www/{ERROR_PAGE} must have one <main> and stay under {MAX_PAGE_SHELL_BYTES} bytes")
    text, titles = re.subn(r"<title>[^<]*</title>", f"<title>{REFUSED_POST_TITLE}</title>", text)
    text, descriptions = re.subn(
        r'<meta name="description" content="[^"]*">', f'<meta name="description" content="{REFUSED_POST}">', text
    )
    if (titles, descriptions) != (1, 1):
        raise ValueError(f'www/{ERROR_PAGE} must have one <title> and one <meta name="description" content="…">')
    return text


def site_files() -> list[str]:
    """Every file of www/ as a path relative to it, in a stable order."""
    return sorted(p.relative_to(WWW_DIR).as_posix() for p in WWW_DIR.rglob("*") if p.is_file())


API_BASE = "/api"  # where CloudFront (and the local runner) route the API: the pages' origin-relative base


def page_config(region: T, cognito_endpoint: T, user_pool_id: T, client_id: T) -> dict[str, T]:
    """The values config.js hands the pages, with their names: the stack's and the local runner's."""
    return {
        "region": region,
        "apiBase": API_BASE,  # type: ignore[dict-item]  # a plain str is an Input[str] too
        "cognitoEndpoint": cognito_endpoint,
        "userPoolId": user_pool_id,
        "clientId": client_id,
        "pageSize": str(DEFAULT_PAGE),  # type: ignore[dict-item]
        "chartDays": str(DEFAULT_DAYS),  # type: ignore[dict-item]
    }


def config_js(values: dict[str, str]) -> str:
    """The generated config.js: the stack's values the pages need (never a secret)."""
    return f"window.CTD_CONFIG = Object.freeze({json.dumps(values, sort_keys=True)});\n"


def read_config_js(text: str) -> dict[str, str]:
    """The values inside a config.js that config_js wrote (for scripts and tests that act like the pages)."""
    values: dict[str, str] = json.loads(text.split("Object.freeze(", 1)[1].rsplit(");", 1)[0])
    return values


def content_security_policy(connect_sources: list[str], bot_check_origin: str = "") -> str:
    """No inline script or style, nothing from other origins except the APIs the pages call, and with the bot
    check on, the widget's script and frame from its origin (Turnstile's CSP page) and nothing more."""
    widget = f" {bot_check_origin}" if bot_check_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{widget}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src " + " ".join(["'self'", *connect_sources]),
            *([f"frame-src{widget}"] if widget else []),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# The bot check's widget (Cloudflare Turnstile): its script must come from exactly this URL (Turnstile's docs).
TURNSTILE_ORIGIN = "https://challenges.cloudflare.com"
TURNSTILE_SCRIPT_PATH = "/turnstile/v0/api.js"
CONTACT_PAGE = "contact.html"
BOT_CHECK_MARK = "<!-- the bot check's widget, when it is on -->"
NO_SCRIPT_NOTICE = (
    "This form checks that you are not a robot with a script, and JavaScript is off: your message will still"
    " reach us, but is held for review, so our reply may take longer."
)


def host_names(origins: list[str]) -> list[str]:
    """The host of each origin or URL ("https://www.example.com:8443/x" -> "www.example.com"), each once."""
    return list(dict.fromkeys(urllib.parse.urlsplit(o).hostname or "" for o in origins))


def with_bot_check(page: str, site_key: str, origin: str = TURNSTILE_ORIGIN) -> str:
    """The contact page with Turnstile's widget in its form, rendered by Turnstile's own script from the markup
    (no script of ours), and the notice a visitor without JavaScript reads instead."""
    if page.count(BOT_CHECK_MARK) != 1:
        raise ValueError(f"www/{CONTACT_PAGE} must hold {BOT_CHECK_MARK} once, inside its form")
    widget = (
        f'<div class="cf-turnstile field-wide" data-sitekey="{html.escape(site_key)}"></div>'
        f'<noscript><p class="field-wide notice">{NO_SCRIPT_NOTICE}</p></noscript>'
        f'<script src="{origin}{TURNSTILE_SCRIPT_PATH}" async defer></script>'
    )
    return page.replace(BOT_CHECK_MARK, widget)


HSTS_SECONDS = 63072000  # two years, the HSTS preload list's minimum
FRAME_OPTION = "DENY"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# What CloudFront's response-headers policy adds, as the local runner sends it (no HSTS over plain http).
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": FRAME_OPTION,
    "referrer-policy": REFERRER_POLICY,
}
