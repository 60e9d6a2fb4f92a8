"""schema.org/Event and Person data for event and person pages, serialised safely for a <script> element."""

from __future__ import annotations

import json

from ..catalog.languages import DEFAULT_LANGUAGE
from ..catalog.model import Event, Person, Precision, Site, Status
from ..publish.documents import start_text

EVENT_STATUS = {
    Status.CONFIRMED: "https://schema.org/EventScheduled",
    Status.TENTATIVE: "https://schema.org/EventScheduled",  # schema.org has no "tentative"
    Status.CANCELLED: "https://schema.org/EventCancelled",
}
# Characters that could end the <script> element or confuse an HTML parser, as JSON escapes.
_SCRIPT_ESCAPES = [(character, f"\\u{ord(character):04x}") for character in "<>&\u2028\u2029"]


def event_document(event: Event, site: Site, page_url: str, lang: str = DEFAULT_LANGUAGE) -> dict:
    """The event as schema.org/Event in ``lang``; ``inLanguage`` is its name's language (English if untranslated)."""
    document: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.text("title", lang).value,
        "inLanguage": event.text("title", lang).lang,
        "startDate": start_text(event),
        "eventStatus": EVENT_STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": page_url,
    }
    if event.precision is Precision.DAY:  # the last day, inclusive
        document["endDate"] = event.last_day.isoformat()
    elif event.precision is Precision.TIME and event.end is not None:
        document["endDate"] = event.end_local.isoformat()
    if event.location:
        place = event.text("location", lang).value
        document["location"] = {"@type": "Place", "name": place, "address": place}
    if event.description:
        document["description"] = event.text("description", lang).value.strip()
    if event.url:
        document["sameAs"] = event.url
    document["organizer"] = {"@type": "Organization", "name": site.text("publisher_name", lang).value}
    return document


def person_document(person: Person, page_url: str, lang: str = DEFAULT_LANGUAGE) -> dict:
    """The person as schema.org/Person in ``lang``, with the English name as an alternate."""
    document: dict = {"@context": "https://schema.org", "@type": "Person", "name": person.text("name", lang).value}
    if lang != DEFAULT_LANGUAGE:
        document["alternateName"] = person.name
    if person.role:
        document["jobTitle"] = person.text("role", lang).value
    document["url"] = page_url
    return document


def script_text(document: dict) -> str:
    """JSON that is safe between <script type="application/ld+json"> and </script>."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    for character, escaped in _SCRIPT_ESCAPES:  # replace: translate would look up every character, 15 times slower
        text = text.replace(character, escaped)
    return text
