"""The web view in a real headless Chromium against the real server (granian) on the bundled events.

Needs Debian's `chromium` package at /usr/bin/chromium (or $CHROMIUM). These
tests never skip: without a browser they fail and say what to install.
Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import shutil
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from calendar_svc import create_app
from calendar_svc.config import Config
from calendar_svc.export import export_site
from calendar_svc.web.search_pages import RESULTS_SHOWN

from .conftest import BUNDLED_EVENTS, DATA, ROOT
from .servers import Nginx, Service

TODAY = "2026-11-27"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
WIDTHS = (320, 375, 1280)

# Contrast of every text node against the first opaque background behind it (WCAG 2 formula).
CONTRAST_JS = """
() => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width <= 1 || box.height <= 1) continue;  // visually hidden
    const a = lum(parse(style.color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    worst.push([Math.round(ratio * 100) / 100, node.textContent.trim().slice(0, 40)]);
  }
  return worst.sort((x, y) => x[0] - y[0]).slice(0, 3);
}
"""


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            f"the browser tests need Chromium, not found at {path}: install the Debian package chromium "
            "(sudo apt-get install chromium)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`calendar-svc serve` on a free port with the bundled events and today pinned; its base URL."""
    env = {"CALENDAR_SVC_TODAY": TODAY, "CALENDAR_SVC_RELOAD_INTERVAL": "0", "CALENDAR_SVC_BASE_URL": ""}
    running = Service(BUNDLED_EVENTS, tmp_path_factory.mktemp("server") / "server.log", workers=1, env=env)
    try:
        yield f"http://127.0.0.1:{running.port}"
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright for Python: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """A fresh page (own context) at a given width; console errors are collected in page.errors."""
    contexts = []

    def open_(width: int = 1280, **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        context.close()


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_a_visitor_finds_the_forum_sees_when_and_where_and_adds_it(server, open_page):
    page = open_page()
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Kazakhstan–EU Diplomatic Calendar"
    upcoming = page.locator("section:has(h2#upcoming) li.event .event-title").all_inner_texts()
    assert any("EXPO 2027" in title for title in upcoming)
    page.select_option("#filter-category", label="Astana International Forum")
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url("**/?category=forum")
    titles = page.locator("li.event .event-title a").all_inner_texts()
    assert "Astana International Forum 2023" in titles
    assert len(titles) == 4
    page.get_by_role("link", name="Astana International Forum 2023", exact=True).click()
    page.wait_for_url("**/events/aif-2023/")
    assert page.locator(".when-local").inner_text() == "8\u2009–\u20099 June 2023 (all day)"
    assert page.locator("dl.facts div:has(dt:text('Where')) dd").inner_text() == "Astana, Kazakhstan"

    google = page.get_by_role("link", name="Add to Google Calendar").get_attribute("href")
    assert urlsplit(google).netloc == "calendar.google.com"
    assert query(google)["dates"] == "20230608/20230610"
    assert query(google)["text"] == "Astana International Forum 2023"
    outlook = query(page.get_by_role("link", name="Add to Outlook", exact=True).get_attribute("href"))
    assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == ("2023-06-08", "2023-06-10", "true")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download .ics").click()
    download = download_info.value
    assert download.suggested_filename == "aif-2023.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Astana International Forum 2023"
    assert (event.decoded("DTSTART").isoformat(), event.decoded("DTEND").isoformat()) == ("2023-06-08", "2023-06-10")
    assert str(event["LOCATION"]) == "Astana, Kazakhstan"
    assert page.errors == []


def test_a_visitor_subscribes_to_the_visits_calendar_in_outlook(server, open_page):
    page = open_page()
    page.goto(server + "/")
    card = page.locator("article.feed", has=page.get_by_role("heading", name="Ministerial visits and talks"))
    link = card.get_by_role("link", name="Subscribe in Outlook — Ministerial visits and talks", exact=True)
    target = link.get_attribute("href")
    assert urlsplit(target)[1:3] == ("outlook.live.com", "/calendar/0/addfromweb")
    assert query(target)["url"] == f"{server}/calendars/visits.ics"
    assert query(target)["name"].startswith("Ministerial visits and talks")
    with urllib.request.urlopen(query(target)["url"]) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert card.locator("input").input_value() == f"{server}/calendars/visits.ics"


def test_the_keyboard_reaches_the_subscribe_links_with_a_visible_focus(server, open_page):
    page = open_page()
    page.goto(server + "/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Subscribe":
            break
    else:
        pytest.fail("Tab never reached the Subscribe link in the header")
    page.keyboard.press("Enter")
    page.wait_for_url("**/subscribe/")
    for _ in range(1, 40):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.textContent")
        if name.startswith("Subscribe in Outlook — Ministerial visits and talks"):
            break
    else:
        pytest.fail("Tab never reached the Outlook link for the visits calendar")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_copy_buttons_appear_with_javascript_and_copy_the_address(server, open_page):
    page = open_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(server + "/subscribe/")
    button = page.get_by_role("button", name="Copy the address of Ministerial visits and talks")
    assert button.is_visible()
    button.click()
    card = page.locator("article.feed", has=button)
    card.locator(".copy-status", has_text="Copied").wait_for(timeout=5000)  # set once the clipboard has the text
    assert card.locator(".copy-status").inner_text() == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == f"{server}/calendars/visits.ics"
    assert page.errors == []


def test_a_timed_event_shows_the_visitors_own_time_with_javascript(server, open_page):
    page = open_page(timezone_id="Europe/Berlin", locale="en-GB")
    page.goto(server + "/events/odihr-preliminary-findings-2023/")
    assert page.locator(".when-local").inner_text() == "20 March 2023, 15:00 Asia/Almaty (UTC+06:00)"
    assert page.locator(".when-utc").inner_text() == "That is 20 March 2023, 09:00 UTC."
    visitor = page.locator(".when-visitor")
    assert visitor.is_visible()
    assert "Europe/Berlin" in visitor.inner_text()
    assert "10:00" in visitor.inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_from_narrow_phones_to_wide_screens(server, open_page, width):
    page = open_page(width)
    for path in (
        "/",
        "/?country=KZ",
        "/events/aif-2023/",
        "/events/odihr-preliminary-findings-2023/",
        "/events/tileuberdi-lodz-bilaterals-2022-12/",
        "/calendar/2022/12/",
        "/subscribe/",
        "/people/",
        "/people/kassym-jomart-tokayev/",
        "/nowhere/",
    ):
        page.goto(server + path)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{path} at {width}px is {scroll}px wide"
    assert page.errors == [] or all("404" in e for e in page.errors)


def test_the_month_view_marks_today_and_links_neighbouring_months(server, open_page):
    page = open_page()
    page.goto(server + "/")
    page.get_by_role("link", name="Month view").click()
    page.wait_for_url("**/calendar/2026/11/")
    today = page.locator("td[aria-current=date]")
    assert today.locator("time").get_attribute("datetime") == TODAY
    assert "Today" in today.text_content()
    page.get_by_role("link", name="October 2026").click()
    page.wait_for_url("**/calendar/2026/10/")
    page.fill("#month-jump", "2023-06")  # typed, as browsers without a month picker take it
    page.get_by_role("button", name="Go").click()
    page.wait_for_url("**/calendar/2023/06/")
    chips = page.locator("table.month-grid a.chip", has_text="Astana International Forum 2023")
    assert chips.count() == 2  # 8 and 9 June
    assert page.locator("table.month-grid a.chip").count() == 6  # with Cholpon-Ata (2 June) and Steinmeier (19–21 June)


def test_pages_meet_the_contrast_minimum_and_print_without_navigation(server, open_page):
    page = open_page()
    for path in ("/", "/events/aif-2024/", "/calendar/2026/11/", "/subscribe/", "/people/antonio-tajani/"):
        page.goto(server + path)
        worst = page.evaluate(CONTRAST_JS)
        assert worst[0][0] >= 4.5, (path, worst)
    page.emulate_media(media="print")
    page.goto(server + "/events/aif-2023/")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".actions").is_visible()
    assert page.locator("h1").is_visible()


def test_pages_raise_no_content_security_policy_violations(server, open_page):
    page = open_page()

    def with_policy(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route(f"{server}/**", with_policy)
    for path in ("/", "/events/odihr-preliminary-findings-2023/", "/calendar/2023/06/", "/subscribe/", "/people/"):
        page.goto(server + path)
        assert page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(18, 53, 91)"
    assert page.errors == []


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_home_event_and_month(server, open_page, width, lang):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = open_page(width)
    prefix = "" if lang == "en" else f"/{lang}"
    for name, path in (
        ("home", "/"),
        ("event", "/events/aif-2023/"),
        ("month", "/calendar/2023/06/"),
        ("event-timed", "/events/odihr-preliminary-findings-2023/"),
        ("subscribe", "/subscribe/"),
        ("changes", "/changes/"),
        ("people", "/people/"),
        ("person", "/people/antonio-tajani/"),
    ):
        page.goto(server + prefix + path)
        assert page.locator("html").get_attribute("lang") == lang
        target = SCREENSHOTS / f"{name}-{lang}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000


# Every kind of page: list, filtered list, month, event (all-day, timed, month-only, cancelled),
# subscribe, changes, and an error page.
AXE_PAGES = [
    "/", "/?category=visits", "/calendar/2023/03/", "/events/aif-2023/", "/events/odihr-preliminary-findings-2023/",
    "/events/tileuberdi-london-2022-12/", "/events/aif-2024/", "/subscribe/", "/changes/", "/events/no-such-event/",
    "/people/", "/people/kassym-jomart-tokayev/", "/people/no-such-person/", "/embed/",
    "/embed/people/antonio-tajani/",
    "/people/", "/people/kassym-jomart-tokayev/", "/people/no-such-person/",
    "/search/", "/search/?q=astana", "/search/?q=zzzzzz",
]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_every_kind_of_page_passes_axe_wcag_a_and_aa_in_each_language(server, open_page, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = open_page(1280)
    prefix = "" if lang == "en" else f"/{lang}"
    found = {}
    for path in AXE_PAGES:
        page.goto(server + prefix + path)
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        )
        violations = results.response["violations"]
        if violations:
            found[prefix + path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == {}


@pytest.fixture
def newsroom(server):
    """Another site (http://localhost:<its port>/, another origin than the service's 127.0.0.1) whose
    page frames our Kazakh list of one person's events and our home page."""
    body = (
        "<!doctype html><title>Newsroom</title>"
        f'<iframe id="list" src="{server}/kk/embed/people/antonio-tajani/" title="list"></iframe>'
        f'<iframe id="home" src="{server}/" title="home"></iframe>'
    ).encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{site.server_address[1]}/"
    finally:
        site.shutdown()
        site.server_close()


def test_another_site_shows_an_embedded_list_in_an_iframe_but_not_the_home_page(newsroom, open_page):
    page = open_page()
    page.goto(newsroom)
    page.wait_for_load_state("load")
    embedded = page.frame_locator("#list")
    assert embedded.locator("h1").inner_text(timeout=10_000) == "Антонио Таяни"
    assert embedded.locator("li a").count() >= 3
    [home] = [frame for frame in page.frames if frame.parent_frame and "/embed/" not in frame.url]
    assert home.evaluate("document.querySelector('.site-header') === null")  # refused: nothing of ours shows
    assert any("frame-ancestors" in error for error in page.errors)


# Search on a static copy of the site: the script under the export's own CSP (nginx with
# deploy/nginx.conf), held to the same folding table as the server and to the server's results.
FOLDING = json.loads((DATA / "search-folding.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def static_site(tmp_path_factory):
    """The bundled events exported as on the browser tests' day, served by nginx; its base URL."""
    root = tmp_path_factory.mktemp("static-search")
    exported = export_site(
        Config(events_dir=BUNDLED_EVENTS, base_url="https://calendar.example.org"), root / "site",
        dt.date.fromisoformat(TODAY),
    )  # fmt: skip
    nginx = Nginx(exported.outdir, root / "nginx")
    try:
        yield f"http://127.0.0.1:{nginx.port}"
    finally:
        nginx.stop()


def test_the_static_sites_script_folds_and_cuts_words_as_the_shared_table_says(static_site, open_page):
    page = open_page()
    page.goto(static_site + "/search/")
    assert page.evaluate("Object.keys(window.calendarSearch).sort()") == [
        "fold", "marked", "queryWords", "shardKey", "words"
    ]  # fmt: skip
    for name, cases in (("fold", "folding"), ("words", "words"), ("queryWords", "query_words"),
                        ("shardKey", "shard_keys")):  # fmt: skip
        got = page.evaluate(f"cases => cases.map(c => window.calendarSearch.{name}(c[0]))", FOLDING[cases])
        assert got == [case[1] for case in FOLDING[cases]], name
    marked = page.evaluate("cases => cases.map(c => window.calendarSearch.marked(c[0], c[1]))", FOLDING["marked"])
    assert marked == [case[2] for case in FOLDING["marked"]]
    assert page.errors == []


def live_results(query: str, lang: str) -> list[str]:
    """The event pages the live service finds, in order, on the browser tests' day."""
    config = Config(
        events_dir=BUNDLED_EVENTS, base_url="https://calendar.example.org", today=dt.date.fromisoformat(TODAY)
    )
    found = create_app(config).test_client().get("/api/search.json", query_string={"q": query, "lang": lang}).json
    return [result["url"].removeprefix("https://calendar.example.org") for result in found["results"]]


@pytest.mark.parametrize(
    ("lang", "query"), [("kk", "токаев орбан"), ("ru", "ТОКАЕВ"), ("en", "orban"), ("en", "astana forum")]
)
def test_a_search_on_the_static_site_finds_what_the_live_service_finds_in_its_order(static_site, open_page, lang,
                                                                                      query):  # fmt: skip
    page = open_page()
    prefix = "" if lang == "en" else f"/{lang}"
    response = page.goto(f"{static_site}{prefix}/search/?q={query}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#search-list li")
    links = page.locator("#search-list .event-title a")
    shown = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert shown == live_results(query, lang)[:RESULTS_SHOWN]
    assert page.locator("#search-list mark").count() > 0
    assert page.locator("#search-query").input_value() == query
    assert page.errors == []


def test_a_static_search_finding_nothing_says_so_in_the_language_with_links(static_site, open_page):
    page = open_page()
    page.goto(static_site + "/kk/search/?q=<b>zzzzzz</b>")
    page.wait_for_selector("#search-none:not([hidden])")
    assert "табылмады" in page.locator("#search-none").inner_text()
    assert page.locator("#search-none a[href='/kk/people/']").count() == 1
    assert page.locator("#search-list b").count() == 0
    assert page.errors == []


def test_a_static_search_cuts_a_long_query_and_says_so(static_site, open_page):
    page = open_page()
    page.goto(static_site + "/ru/search/?q=" + "токаев " + "x" * 300)
    page.wait_for_selector("#search-cut:not([hidden])")
    assert len(page.locator("#search-query").input_value()) == 200
    assert page.errors == []


def test_without_javascript_the_static_search_page_says_it_needs_it(static_site, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(static_site + "/ru/search/?q=токаев")
    assert "нужен JavaScript" in page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_static_search_results_pass_axe_in_each_language(static_site, open_page, lang):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(1280)
    prefix = "" if lang == "en" else f"/{lang}"
    page.goto(f"{static_site}{prefix}/search/?q={'astana' if lang == 'en' else 'астана'}")
    page.wait_for_selector("#search-list li")
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    assert [v["id"] for v in results.response["violations"]] == []
    assert page.errors == []
