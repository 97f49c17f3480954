"""Every page of www/ is well-formed enough to ship: lang set, one h1, and every local link and asset exists."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from declarations import web_assets

PAGES = [p for p in web_assets.site_files() if p.endswith(".html")]
GENERATED = {web_assets.CONFIG_JS}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()
        self.h1 = 0
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        self.h1 += tag == "h1"
        if a.get("id"):
            self.ids.add(str(a["id"]))
        for name in ("href", "src", "action"):
            value = a.get(name)
            if value and not value.startswith(("http:", "https:", "mailto:")):
                self.targets.append(value)


@pytest.mark.parametrize("page", PAGES)
def test_page_links_resolve_and_structure_is_sound(page: str) -> None:
    parser = Links()
    parser.feed((web_assets.WWW_DIR / page).read_text())
    assert parser.lang == "en" and parser.h1 == 1, page
    files = set(web_assets.site_files()) | GENERATED
    for target in parser.targets:
        path = target.split("#")[0].lstrip("/") or "index.html"
        if target.startswith("#"):
            assert target[1:] in parser.ids, f"{page}: anchor {target} has no target"
        elif path.startswith("api/"):
            continue
        else:
            assert path in files, f"{page}: {target} does not exist in www/"


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end) + len(end)]


def test_every_page_shares_one_header_and_footer() -> None:
    """Static pages with no build step repeat the header and footer; this keeps the copies identical."""
    pages = {p: (web_assets.WWW_DIR / p).read_text() for p in PAGES}
    for part in (("<header", "</header>"), ("<footer", "</footer>")):
        copies = {page: _between(text, *part) for page, text in pages.items()}
        assert len(set(copies.values())) == 1, f"{part[0]} differs between pages: {sorted(copies)}"


class Regions(HTMLParser):
    """The links inside the page's <nav aria-label="Main"> and inside its <footer>."""

    def __init__(self) -> None:
        super().__init__()
        self.region = ""
        self.links: dict[str, list[str]] = {"nav": [], "footer": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if (tag == "nav" and a.get("aria-label") == "Main") or tag == "footer":
            self.region = tag
        elif tag == "a" and self.region:
            self.links[self.region].append(str(a.get("href")))

    def handle_endtag(self, tag: str) -> None:
        if tag == self.region:
            self.region = ""


@pytest.mark.parametrize("page", PAGES)
def test_owner_sign_in_is_in_the_footer_not_the_visitors_navigation(page: str) -> None:
    regions = Regions()
    regions.feed((web_assets.WWW_DIR / page).read_text())
    assert regions.links["nav"] == ["/", "/contact.html"], page
    assert "/dashboard.html" in regions.links["footer"], page


def test_the_chart_switches_to_phone_size_where_the_stylesheet_does() -> None:
    """One breakpoint: the dashboard's chart shows fewer days exactly where style.css lays enquiries out as cards."""
    css = (web_assets.WWW_DIR / "style.css").read_text()
    chart = (web_assets.WWW_DIR / "dashboard" / "chart.js").read_text()
    (phone,) = re.findall(r"@media \((max-width: [\d.]+rem)\)", css)
    assert f'matchMedia("({phone})")' in chart
