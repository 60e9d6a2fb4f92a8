"""Web pages through the test client, read with an HTML parser: content, links, caching, errors."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import tomllib
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from bs4 import BeautifulSoup

from calendar_svc import create_app

from .toml_text import toml_document

PAGES = [
    "/",
    "/?category=forum",
    "/?country=DE",
    "/calendar/2024/04/",
    "/calendar/2023/06/?category=forum",
    "/events/all-day-two-days/",
    "/events/timed-astana-2023/",
    "/events/weekly-berlin/",
    "/events/month-only/",
    "/events/cancelled-forum/",
    "/subscribe/",
]
# The first date each page names in its main content: the month, day or year it is about.
FIRST_DATE_IN_MAIN = {
    "/": ["2024-04"],  # today's month
    "/?category=forum": ["2024-06"],
    "/?country=DE": ["2024-04"],
    "/calendar/2024/04/": ["2024-04"],
    "/calendar/2023/06/?category=forum": ["2023-06"],
    "/events/all-day-two-days/": ["2023-06-08"],
    "/events/timed-astana-2023/": ["2023-03-20"],
    "/events/weekly-berlin/": ["2024-03-25"],  # the first of the series
    "/events/month-only/": ["2022-12"],
    "/events/cancelled-forum/": ["2024-06-13"],
    "/subscribe/": [],  # names no date
}
DATA_REVISED = "2024-01-15"  # in the footer of every page: the small dataset's `revised`
PARSER = "html.parser"  # html5lib (as browsers parse) where it matters: the hostile-text test
TIME_VALUE = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?)?)?")


def parse(response, parser: str = PARSER) -> BeautifulSoup:
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.get_data(as_text=True), parser)


def text(element) -> str:
    """The element's text as read: whitespace runs become one space."""
    return " ".join(element.get_text().split())


def row_titles(section) -> list[str]:
    return [text(a) for a in section.select("li.event .event-title a")]


def section(page: BeautifulSoup, heading: str):
    found = page.find("h2", string=heading)
    assert found is not None, f"no section {heading!r}"
    return found.find_parent("section")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def json_ld(page: BeautifulSoup) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_200_html_with_one_h1_landmarks_and_ordered_headings(pages_client, url):
    response = pages_client.get(url)
    assert response.status_code == 200
    page = parse(response)
    assert len(page.find_all("h1")) == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find(landmark) is not None, landmark
    assert page.find("a")["href"] == "#main"
    assert page.find(id="main").name == "main"
    levels = [int(h.name[1]) for h in page.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1, levels
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert all(img.has_attr("alt") for img in page.find_all("img"))
    for control in page.select("select, input:not([type=hidden])"):
        assert page.find("label", attrs={"for": control["id"]}) is not None, control


@pytest.mark.parametrize("url", [*PAGES, "/events/nope/"])
def test_pages_are_well_formed_html(pages_client, url):
    parser = html5lib.HTMLParser()
    with pages_client.get(url) as response:
        parser.parse(response.get_data(as_text=True))
    assert parser.errors == []


@pytest.mark.parametrize("url", PAGES)
def test_every_date_is_a_time_element_with_a_valid_datetime(pages_client, url):
    with pages_client.get(url) as response:
        page = parse(response)
    for element in page.find_all("time"):
        assert TIME_VALUE.fullmatch(element["datetime"]), element
    in_main = [element["datetime"] for element in page.find("main").find_all("time")]
    assert in_main[:1] == FIRST_DATE_IN_MAIN[url]
    assert [element["datetime"] for element in page.find("footer").find_all("time")] == [DATA_REVISED]


@pytest.mark.parametrize("url", PAGES)
def test_pages_work_under_a_strict_content_security_policy(pages_client, url):
    page = parse(pages_client.get(url))
    assert not page.find_all("style")
    assert not page.select("[style]")
    assert not [tag for tag in page.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
    for script in page.find_all("script"):
        assert script.get("src") or script.get("type") == "application/ld+json", script
    assert [link["href"] for link in page.find_all("link", rel="stylesheet")] == ["/static/style.css"]


def test_home_lists_upcoming_first_then_past_then_undated(pages_client):
    page = parse(pages_client.get("/"))
    headings = [text(h) for h in page.find_all("h2")]
    assert headings[:3] == ["Upcoming events", "Past events", "Exact day unknown"]
    upcoming = section(page, "Upcoming events")
    assert row_titles(upcoming) == [
        "Weekly meeting in Berlin across the DST change",
        "Forum 2024",
        "Briefing at 10:00 Astana time (UTC+5 since March 2024)",
    ]
    assert [t["datetime"] for t in upcoming.select("h3 time")] == ["2024-04", "2024-06", "2025-05"]
    assert row_titles(section(page, "Past events")) == [
        "Forum, day one; day two",
        "Press conference at 10:00 Astana time (UTC+6 then)",
    ]


def test_home_rows_show_time_in_the_events_zone_status_countries_and_place(pages_client):
    page = parse(pages_client.get("/"))
    rows = {text(li.select_one(".event-title a")): li for li in page.select("li.event")}
    briefing = rows["Briefing at 10:00 Astana time (UTC+5 since March 2024)"]
    assert text(briefing.select_one(".event-time")) == "10:00 Asia/Almaty (UTC+05:00)"
    assert briefing.select_one(".event-time time")["datetime"] == "2025-05-29T10:00+05:00"
    press = rows["Press conference at 10:00 Astana time (UTC+6 then)"]
    assert text(press.select_one(".event-date")) == "20 March 2023"
    assert text(press.select_one(".event-time")) == "10:00–11:30 Asia/Almaty (UTC+06:00)"
    assert "Countries: Kazakhstan, Germany" in text(press)
    cancelled = rows["Forum 2024"]
    assert "is-cancelled" in cancelled["class"]
    assert cancelled.select_one(".event-title a s")
    assert text(cancelled.select_one(".badge")) == "Cancelled"
    assert "Visits, talks; and more" in text(rows["Weekly meeting in Berlin across the DST change"])
    assert text(rows["Weekly meeting in Berlin across the DST change"].select_one(".badge")) == "Happening now"
    forum = rows["Forum, day one; day two"]
    assert text(forum.select_one(".event-date")) == "8 – 9 June 2023"  # CLDR: thin spaces around the dash
    assert "Where: Astana" in text(forum)


def test_undated_events_show_the_precision_that_is_known(pages_client):
    undated = section(parse(pages_client.get("/")), "Exact day unknown")
    dates = [(text(t), t["datetime"]) for t in undated.select(".event-date time")]
    assert dates == [("December 2022", "2022-12"), ("2022", "2022")]
    assert "Tentative" in [text(b) for b in undated.select(".badge")]
    assert "Countries: United Kingdom, Kazakhstan" in text(undated)


def test_with_nothing_upcoming_one_line_says_so_and_recent_events_lead(make_pages_app):
    page = parse(make_pages_app(today="2026-11-27").test_client().get("/"))
    notice = page.select_one("main p.nothing-upcoming")
    assert text(notice) == (
        "No upcoming events are scheduled after today, 27 November 2026; the most recent come first."
    )
    assert page.find("h2", string="Upcoming events") is None
    first = page.find("h2")
    assert text(first) == "Most recent events"
    assert row_titles(first.find_parent("section"))[0] == "Briefing at 10:00 Astana time (UTC+5 since March 2024)"


def test_the_bundled_home_page_leads_with_the_latest_event(make_pages_app):
    from .conftest import BUNDLED_EVENTS

    page = parse(make_pages_app(BUNDLED_EVENTS, today="2026-11-27", base_url=None).test_client().get("/"))
    # EXPO 2027 is announced; the Kurultai election of 23 August 2026 was scheduled, and whether
    # it was held is not confirmed.
    assert row_titles(section(page, "Upcoming events"))[0].startswith("EXPO 2027 in Belgrade")
    assert row_titles(section(page, "Past events"))[0] == "Election to the Kurultai (scheduled)"
    assert "Kazakhstan–EU Diplomatic Calendar" in text(page.find("h1"))


def test_filtering_by_calendar_shows_only_its_events_and_its_feed(pages_client):
    page = parse(pages_client.get("/?category=forum"))
    titles = [text(a) for a in page.select("li.event .event-title a")]
    assert titles == ["Forum 2024", "Forum, day one; day two"]
    assert page.select_one("#filter-category option[selected]")["value"] == "forum"
    alternate = page.find("link", rel="alternate", type="text/calendar")
    assert alternate["href"] == "http://cal.test/calendars/forum.ics"
    links = {text(a): a["href"] for a in page.select(".subscribe-this a")}
    assert links["Apple Calendar"] == "webcal://cal.test/calendars/forum.ics"
    assert query(links["Google Calendar"]) == {"cid": "http://cal.test/calendars/forum.ics"}
    assert query(links["Outlook"])["url"] == "http://cal.test/calendars/forum.ics"
    assert page.find("a", string="Show all events")["href"] == "/"


def test_filtering_by_country_offers_that_countrys_own_feed(pages_client):
    page = parse(pages_client.get("/?country=DE"))
    assert [text(a) for a in page.select("li.event .event-title a")] == [
        "Weekly meeting in Berlin across the DST change",
        "Press conference at 10:00 Astana time (UTC+6 then)",
    ]
    feed = page.find("link", rel="alternate", type="text/calendar")["href"]
    assert feed == "http://cal.test/countries/de.ics"
    assert (
        page.find("link", rel="alternate", type="application/json") is None
    )  # a query link a static copy would ignore
    assert "Germany" in text(page.select_one(".selection"))


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/?country=de", "/?country=DE"),
        ("/?category=&country=", "/"),
        ("/?country=KZ&category=forum", "/?category=forum&country=KZ"),
        ("/calendar/2023/06/?country=kz", "/calendar/2023/06/?country=KZ"),
    ],
)
def test_filters_written_another_way_redirect_to_the_canonical_url(pages_client, url, location):
    response = pages_client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == location


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/?category=parties", "'parties'"),
        ("/?country=XX", "'XX'"),
        ("/?colour=red", "'colour'"),
        ("/calendar/?month=June", "'June'"),
        ("/subscribe/?x=1", "'x'"),
    ],
)
def test_bad_query_values_get_a_400_page_in_the_site_layout(pages_client, url, named):
    response = pages_client.get(url)
    assert response.status_code == 400
    page = parse(response)
    assert named in text(page.find("main"))
    assert page.find("nav", attrs={"aria-label": "Main"}) is not None
    assert page.find("a", string="Back to all events")["href"] == "/"


@pytest.mark.parametrize(
    "url",
    [
        "/events/nope/",
        "/calendar/2023/13/",
        "/calendar/2023/6/",
        "/calendar/1990/01/",
        "/calendar/2099/01/",
        "/nowhere",
    ],
)
def test_missing_pages_get_a_404_page_in_the_site_layout_with_a_way_back(pages_client, url):
    response = pages_client.get(url)
    assert response.status_code == 404
    page = parse(response)
    assert text(page.find("h1")) == "Not Found"
    assert page.find("a", string="Back to all events")["href"] == "/"
    assert page.find("header")
    assert page.find("footer")


def test_event_page_shows_when_where_and_offers_add_links(pages_client):
    page = parse(pages_client.get("/events/all-day-two-days/"))
    assert text(page.find("h1")) == "Forum, day one; day two"
    facts = {text(div.dt): div.dd for div in page.select("dl.facts > div")}
    assert text(facts["When"]).startswith("8 – 9 June 2023")
    assert [t["datetime"] for t in facts["When"].find_all("time")] == ["2023-06-08", "2023-06-09"]
    assert text(facts["Where"]) == "Astana"
    assert text(facts["Countries"]) == "Kazakhstan"
    assert text(facts["Status"]) == "Confirmed"
    assert facts["Calendar"].a["href"] == "/calendars/forum/"
    buttons = {text(a): a["href"] for a in page.select(".actions a")}
    assert list(buttons) == ["Add to Google Calendar", "Add to Outlook", "Download .ics"]
    assert query(buttons["Add to Google Calendar"])["dates"] == "20230608/20230610"
    outlook = query(buttons["Add to Outlook"])
    assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == ("2023-06-08", "2023-06-10", "true")
    assert buttons["Download .ics"] == "/events/all-day-two-days.ics"
    assert pages_client.get(buttons["Download .ics"]).headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert [a["href"] for a in page.select(".sources a")] == ["https://example.org/forum"]
    assert page.find("a", string="June 2023 in the month view")["href"] == "/calendar/2023/06/"


def test_event_page_links_its_feeds_as_alternates_and_describes_itself_in_json_ld(pages_client):
    page = parse(pages_client.get("/events/all-day-two-days/"))
    alternates = [link["href"] for link in page.find_all("link", rel="alternate", type="text/calendar")]
    assert alternates == ["/events/all-day-two-days.ics", "/calendars/forum.ics"]
    document = json_ld(page)
    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "Event"
    assert document["name"] == "Forum, day one; day two"
    assert (document["startDate"], document["endDate"]) == ("2023-06-08", "2023-06-09")
    assert document["eventStatus"] == "https://schema.org/EventScheduled"
    assert document["location"]["name"] == "Astana"
    assert document["url"] == "http://cal.test/events/all-day-two-days/"
    assert page.find("link", rel="canonical")["href"] == "http://cal.test/events/all-day-two-days/"


def test_timed_event_page_gives_local_time_with_zone_and_utc(pages_client):
    page = parse(pages_client.get("/events/timed-astana-2023/"))
    assert text(page.select_one(".when-local")) == "20 March 2023, 10:00–11:30 Asia/Almaty (UTC+06:00)"
    assert text(page.select_one(".when-utc")) == "That is 20 March 2023, 04:00–05:30 UTC."
    assert page.select_one(".when-local time[datetime='2023-03-20T10:00+06:00']") is not None
    assert page.select_one(".when-utc time[datetime='2023-03-20T04:00Z']") is not None
    assert page.select_one("[data-visitor-time]")["data-visitor-time"] == "2023-03-20T10:00+06:00"
    assert [text(li) for li in page.select("dl.facts ul.plain li")] == ["Eoghan Murphy"]
    assert page.select_one("dl.facts a[rel=external]")["href"] == "https://example.org/press"
    assert (
        text(page.select_one(".description")) == "Line one. Line two with a backslash \\ and a comma, and a semicolon;"
    )
    assert json_ld(page)["startDate"] == "2023-03-20T10:00:00+06:00"


def test_series_page_lists_its_dates_across_dst(pages_client):
    page = parse(pages_client.get("/events/weekly-berlin/"))
    facts = {text(div.dt): div.dd for div in page.select("dl.facts > div")}
    assert text(facts["Repeats"].p) == "Repeats weekly, 4 times, except 8 April 2024"
    assert [text(li) for li in facts["Repeats"].select("li")] == [
        "25 March 2024, 09:00–10:00 Europe/Berlin (UTC+01:00)",
        "1 April 2024, 09:00–10:00 Europe/Berlin (UTC+02:00)",
        "15 April 2024, 09:00–10:00 Europe/Berlin (UTC+02:00)",
    ]
    google = page.find("a", string="Add to Google Calendar")["href"]
    assert query(google)["recur"] == "RRULE:FREQ=WEEKLY;COUNT=4"


def test_cancelled_event_page_is_struck_through_and_says_so(pages_client):
    page = parse(pages_client.get("/events/cancelled-forum/"))
    assert page.find("h1").s is not None
    assert "This event was cancelled." in text(page.select_one(".status-line"))
    assert json_ld(page)["eventStatus"] == "https://schema.org/EventCancelled"


def test_undated_event_page_has_no_add_buttons_and_no_ics(pages_client):
    page = parse(pages_client.get("/events/month-only/"))
    assert text(page.select_one(".when-local")) == "December 2022"
    assert page.select(".actions") == []
    assert "day is not known" in text(page.select_one(".add"))
    calendars = page.find_all("link", rel="alternate", type="text/calendar")
    assert [link["href"] for link in calendars] == ["/calendars/visits.ics"]
    assert json_ld(page)["startDate"] == "2022-12"


def test_month_view_has_a_grid_today_marked_and_neighbour_links(make_pages_app):
    page = parse(make_pages_app(today="2023-06-09").test_client().get("/calendar/2023/06/"))
    assert text(page.find("h1")) == "June 2023"
    assert page.find("h1").time["datetime"] == "2023-06"
    grid = page.select_one("table.month-grid")
    assert [text(th) for th in grid.select("thead th")] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    today = grid.select("td[aria-current=date]")
    assert len(today) == 1
    assert today[0].time["datetime"] == "2023-06-09"
    assert "Today" in text(today[0])
    cells = {td.time["datetime"]: td for td in grid.select("td") if td.time}
    assert len(cells) == 30
    for day in ("2023-06-08", "2023-06-09"):
        assert [a["href"] for a in cells[day].select("a.chip")] == ["/events/all-day-two-days/"]
    assert not cells["2023-06-10"].select("a")
    assert page.find("a", rel="prev")["href"] == "/calendar/2023/05/"
    assert page.find("a", rel="next")["href"] == "/calendar/2023/07/"
    assert page.find("a", string="This month")["href"] == "/calendar/2023/06/"
    assert row_titles(section(page, "Events in June 2023")) == ["Forum, day one; day two"]


def test_month_view_shows_each_occurrence_of_a_series_and_undated_events_of_the_month(pages_client):
    page = parse(pages_client.get("/calendar/2024/04/"))
    cells = {td.time["datetime"]: td for td in page.select("table.month-grid td") if td.time}
    days = [day for day, cell in cells.items() if cell.select("a.chip")]
    assert days == ["2024-04-01", "2024-04-15"]
    december = parse(pages_client.get("/calendar/2022/12/"))
    assert december.find("a", rel="prev") is None
    assert row_titles(section(december, "Also in December 2022, exact day unknown")) == [
        "Visit in December, day unknown"
    ]


def test_month_view_filters_keep_their_query_in_month_links(pages_client):
    page = parse(pages_client.get("/calendar/2023/06/?category=forum"))
    assert page.find("a", rel="next")["href"] == "/calendar/2023/07/?category=forum"
    assert page.find("link", rel="alternate", type="text/calendar")["href"] == "http://cal.test/calendars/forum.ics"
    later = page.select_one(".nearby a")
    assert later["href"] == "/calendar/2024/06/?category=forum"


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/calendar/", "/calendar/2024/04/"),
        ("/calendar/?month=2023-06", "/calendar/2023/06/"),
        ("/calendar/?month=2023-06&country=kz", "/calendar/2023/06/?country=KZ"),
    ],
)
def test_calendar_redirects_to_this_month_or_the_picked_one(pages_client, url, location):
    response = pages_client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_subscribe_page_offers_every_feed_every_way(pages_client):
    page = parse(pages_client.get("/subscribe/"))
    cards = page.select("article.feed")
    assert [text(card.find("h3")) for card in cards] == ["All events", "Visits, talks; and more", "Forum"]
    feeds = [
        "http://cal.test/calendar.ics",
        "http://cal.test/calendars/visits.ics",
        "http://cal.test/calendars/forum.ics",
    ]
    for card, feed in zip(cards, feeds, strict=True):
        field = card.find("input")
        assert field["value"] == feed
        assert field.has_attr("readonly")
        button = card.find("button", attrs={"data-copy": field["id"]})
        assert button is not None
        assert button.has_attr("hidden")
        links = {text(a).split(" — ")[0].split(" (")[0]: a["href"] for a in card.select(".subscribe-links a")}
        assert links["Subscribe in Apple Calendar"] == feed.replace("http://", "webcal://")
        assert query(links["Subscribe in Google Calendar"]) == {"cid": feed}
        assert urlsplit(links["Subscribe in Outlook"]).netloc == "outlook.live.com"
        assert query(links["Subscribe in Outlook"])["url"] == feed
        assert urlsplit(links["Subscribe in Outlook for work or school"]).netloc == "outlook.office.com"
    visits = query(cards[1].find("a", href=re.compile("outlook.live.com"))["href"])
    assert visits["name"] == "Visits, talks; and more · Test Calendar; with, punctuation"
    assert page.find("a", href="https://calendar.google.com/calendar/r/settings/addbyurl") is not None
    assert "every 6 hours" in text(page.find("main"))
    alternates = [link["href"] for link in page.find_all("link", rel="alternate", type="text/calendar")]
    assert alternates == feeds


def test_the_private_address_notice_appears_only_where_clouds_cannot_reach(make_pages_app):
    private = parse(make_pages_app(base_url="http://127.0.0.1:8000").test_client().get("/subscribe/"))
    assert "private address, 127.0.0.1:8000" in text(private.find("main"))
    public = parse(make_pages_app(base_url="https://cal.example.org").test_client().get("/subscribe/"))
    assert "private address" not in text(public.find("main"))


HOSTILE_TITLE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def test_hostile_text_in_event_files_is_shown_as_text_never_markup(make_pages_app, write_event, events_dir):
    write_event(
        "2023/hostile",
        title=HOSTILE_TITLE,
        category="visits",
        start=dt.datetime(2023, 5, 4, 9, 30),
        timezone="Asia/Almaty",
        location="</script><script>alert(2)</script>",
        countries=["KZ"],
        people=["evil"],
        description="'><svg onload=alert(4)> & </p></main><!--",
        sources=["https://example.org/?q=%22%3E%3Cscript%3E"],
    )
    evil = "<b onmouseover=alert(3)>Evil</b>"
    register = tomllib.loads((events_dir / "people.toml").read_text(encoding="utf-8"))
    register["person"].append({"id": "evil", "name": evil, "kk": {"name": evil}, "ru": {"name": evil}})
    (events_dir / "people.toml").write_text(toml_document(register), encoding="utf-8")
    client = make_pages_app(events_dir, today="2023-05-01").test_client()
    for url in ("/events/hostile/", "/", "/calendar/2023/05/", "/?country=KZ", "/people/evil/", "/kk/people/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = parse(response, "html5lib")
        assert not page.find_all("img", src="x")
        assert not page.find_all("svg")
        assert not page.find_all("b")
        assert not [tag for tag in page.find_all(True) if any(name.startswith("on") for name in tag.attrs)], url
        for script in page.find_all("script"):
            assert script.get("src") == "/static/app.js" or script.get("type") == "application/ld+json", url
        shown = evil if url.endswith("/people/") else HOSTILE_TITLE
        assert shown in text(page.find("main")), url
    page = parse(client.get("/events/hostile/"), "html5lib")
    assert text(page.find("h1")) == HOSTILE_TITLE
    assert page.find("title").string.startswith(HOSTILE_TITLE)
    document = json_ld(page)
    assert document["name"] == HOSTILE_TITLE
    assert document["location"]["name"] == "</script><script>alert(2)</script>"
    assert document["description"] == "'><svg onload=alert(4)> & </p></main><!--"
    assert query(page.find("a", string="Add to Google Calendar")["href"])["text"] == HOSTILE_TITLE


def test_kazakh_and_russian_text_render_as_written(make_pages_app, write_event, events_dir):
    write_event(
        "2023/kazakh",
        title="Астана халықаралық форумы — Международный форум «Астана»",
        category="forum",
        start=dt.date(2023, 6, 8),
        location="Астана, Қазақстан",
        countries=["KZ"],
        sources=["https://example.org/kz"],
    )
    client = make_pages_app(events_dir).test_client()
    response = client.get("/events/kazakh/")
    page = parse(response)
    assert text(page.find("h1")) == "Астана халықаралық форумы — Международный форум «Астана»"
    assert "Астана халықаралық форумы".encode() in response.data  # UTF-8, not character references
    assert json_ld(page)["location"]["name"] == "Астана, Қазақстан"
    assert "Астана халықаралық форумы — Международный форум «Астана»" in row_titles(parse(client.get("/")))


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_conditional_like_the_feeds(pages_client, url):
    first = pages_client.get(url)
    etag, weak = first.get_etag()
    assert re.fullmatch("[0-9a-f]{32}", etag)  # the digest of what the page is rendered from
    assert not weak
    assert first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    assert "max-age=300" in first.headers["Cache-Control"]
    again = pages_client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304
    assert again.data == b""
    assert pages_client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    zipped = pages_client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert (
        pages_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}).status_code
        == 304
    )
    head = pages_client.head(url)
    assert head.status_code == 200
    assert head.headers["ETag"] == first.headers["ETag"]
    assert head.data == b""


def test_the_same_inputs_give_the_same_page_and_another_day_another_etag(make_pages_app):
    one, two = make_pages_app().test_client(), make_pages_app().test_client()
    assert one.get("/").data == two.get("/").data
    later = make_pages_app(today="2026-12-05").test_client().get("/")
    assert later.headers["ETag"] != one.get("/").headers["ETag"]
    # The page may change at midnight (in Almaty) even when the data did not: Last-Modified says so.
    assert later.last_modified.isoformat() == "2026-12-04T19:00:00+00:00"


def test_a_bad_today_setting_stops_the_start_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("CALENDAR_SVC_TODAY", "someday")
    with pytest.raises(ValueError, match="CALENDAR_SVC_TODAY must be a date like 2026-11-27, not 'someday'"):
        create_app()


@pytest.mark.parametrize(
    ("name", "kind"), [("style.css", "text/css"), ("app.js", "text/javascript"), ("favicon.svg", "image/svg+xml")]
)
def test_static_files_are_served_small(pages_client, name, kind):
    with pages_client.get(f"/static/{name}") as response:
        assert response.status_code == 200
        assert response.mimetype == kind
        assert len(response.data) < 16_000


EDGE_EVENTS = {
    "far-past": {"start": dt.datetime(1000, 1, 1, 2), "timezone": "Asia/Almaty"},  # the earliest year validation allows
    "far-future": {"start": dt.date(9000, 12, 31)},  # the latest
    "year-9000": {"start": "9000"},
    "daily-for-ever": {"start": dt.date(2020, 1, 1), "rrule": "FREQ=DAILY"},
}


@pytest.mark.parametrize("today", ["0001-01-01", "2024-04-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_never_break_a_page(make_pages_app, write_event, events_dir, today):
    for name, dates in EDGE_EVENTS.items():
        write_event(name, title=name, category="visits", **dates)
    client = make_pages_app(events_dir, today=today).test_client()
    urls = [
        "/",
        "/subscribe/",
        "/calendar/1000/01/",
        "/calendar/9000/12/",
        f"/calendar/{today[:4]}/{today[5:7]}/",
        *(f"/events/{name}/" for name in EDGE_EVENTS),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    page = parse(client.get("/events/far-past/"))
    assert text(page.select_one(".when-local")) == "1 January 1000, 02:00 Asia/Almaty (UTC+05:07:48)"


def test_a_long_history_lists_the_newest_past_events_and_continues_in_the_month_view(make_pages_app, tmp_path):
    from benchmarks.generate import generate

    generate(400, tmp_path / "events")
    client = make_pages_app(tmp_path / "events", today="2031-01-15").test_client()
    page = parse(client.get("/"))
    upcoming = page.select("section[aria-labelledby=upcoming] a[href^='/events/']")
    past = page.select("section[aria-labelledby=past] a[href^='/events/']")
    assert len(past) == 100  # only yearly series can still be upcoming in 2031
    more = page.select_one("section[aria-labelledby=past] p.more")
    assert text(more).startswith(f"{400 - len(upcoming) - 100} earlier events not listed here")
    link = more.find("a")["href"]
    assert link.startswith("/calendar/")
    assert client.get(link).status_code == 200
