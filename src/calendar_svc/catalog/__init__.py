"""The data: event files in, one validated and immutable ``Catalog`` out (docs/architecture.md has the map).

``files`` finds and reads them; ``event_file``, ``calendars_file`` and ``people_file`` validate them (with ``fields``,
``countries``, ``zones`` and ``languages``), ``loading`` and ``parsing`` build the catalog, ``revisions`` keeps the
revision record, ``model`` holds the result, ``search`` finds events by words, ``recurrence`` when a series happens.
"""

from .loading import load_catalog
from .model import CalendarInfo, Catalog, Event

__all__ = ["CalendarInfo", "Catalog", "Event", "load_catalog"]
